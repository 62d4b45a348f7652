package com.dataplatform.stream.distributor;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

class StreamDistributorSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("stream-distributor").orElseThrow();
    }
}
