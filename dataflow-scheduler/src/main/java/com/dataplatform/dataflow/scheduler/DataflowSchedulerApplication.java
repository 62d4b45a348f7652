package com.dataplatform.dataflow.scheduler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Versioned dataflows; a Postgres run queue with dataset read/write conflict control; SQL execution in the lake. */
@SpringBootApplication
public class DataflowSchedulerApplication {

    public static void main(String[] args) {
        SpringApplication.run(DataflowSchedulerApplication.class, args);
    }
}
