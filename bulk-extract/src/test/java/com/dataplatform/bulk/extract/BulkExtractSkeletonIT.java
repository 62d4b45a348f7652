package com.dataplatform.bulk.extract;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

class BulkExtractSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("bulk-extract").orElseThrow();
    }
}
