package com.dataplatform.bulk.extract;

import com.dataplatform.common.topics.SuiteService;
import org.springframework.test.annotation.DirtiesContext;
import com.dataplatform.testsupport.ServiceSkeletonContract;

// closed after the class: its extraction worker must not take jobs of the crash tests' nodes
@DirtiesContext
class BulkExtractSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("bulk-extract").orElseThrow();
    }
}
