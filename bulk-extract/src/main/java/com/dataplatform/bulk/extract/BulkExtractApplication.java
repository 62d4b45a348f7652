package com.dataplatform.bulk.extract;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Watermark, chunked snapshot and change-stream handoff for a group of users, without gap or duplicate. */
@SpringBootApplication
public class BulkExtractApplication {

    public static void main(String[] args) {
        SpringApplication.run(BulkExtractApplication.class, args);
    }
}
