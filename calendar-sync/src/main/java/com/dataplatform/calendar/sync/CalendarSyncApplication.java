package com.dataplatform.calendar.sync;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Many calendar schemas into one unified schema, written back to the org's master system. */
@SpringBootApplication
@org.springframework.scheduling.annotation.EnableScheduling
public class CalendarSyncApplication {

    public static void main(String[] args) {
        com.dataplatform.calendar.sync.convert.Ical4jSettings.apply(); // ical4j's global hints, once, before any parse
        SpringApplication.run(CalendarSyncApplication.class, args);
    }
}
