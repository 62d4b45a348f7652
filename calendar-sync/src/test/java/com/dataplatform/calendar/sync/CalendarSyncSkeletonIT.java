package com.dataplatform.calendar.sync;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;

class CalendarSyncSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("calendar-sync").orElseThrow();
    }
}
