package com.dataplatform.calendar.sync;

import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.testsupport.ServiceSkeletonContract;
import org.springframework.test.context.TestPropertySource;

/**
 * The suite's skeleton contract. Runs with the same settings as the other integration tests: its context's
 * background workers (write-back, relay) share the database with theirs and must be able to do the same work.
 */
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
class CalendarSyncSkeletonIT extends ServiceSkeletonContract {

    @Override
    protected SuiteService service() {
        return SuiteService.byId("calendar-sync").orElseThrow();
    }
}
