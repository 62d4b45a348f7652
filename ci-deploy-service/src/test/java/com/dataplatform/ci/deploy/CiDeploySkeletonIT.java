package com.dataplatform.ci.deploy;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

class CiDeploySkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("ci-deploy-service").orElseThrow();
    }
}
