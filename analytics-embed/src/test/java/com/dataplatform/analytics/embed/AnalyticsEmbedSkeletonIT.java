package com.dataplatform.analytics.embed;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

class AnalyticsEmbedSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("analytics-embed").orElseThrow();
    }
}
