package com.dataplatform.dataflow.scheduler;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

@org.springframework.test.annotation.DirtiesContext
class DataflowSchedulerSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("dataflow-scheduler").orElseThrow();
    }
}
