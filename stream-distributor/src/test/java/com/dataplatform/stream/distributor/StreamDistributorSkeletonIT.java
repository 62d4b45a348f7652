package com.dataplatform.stream.distributor;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;
import org.springframework.test.annotation.DirtiesContext;

/** Closed after the class so its node leaves before the multi-node tests count live nodes. */
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StreamDistributorSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("stream-distributor").orElseThrow();
    }
}
