package com.dataplatform.bulk.extract;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.scheduling.annotation.EnableScheduling;

/** Watermark, chunked snapshot and change-stream handoff for a group of users, without gap or duplicate. */
@SpringBootApplication
@EnableScheduling
@EnableConfigurationProperties(ExtractProperties.class)
public class BulkExtractApplication {

    public static void main(String[] args) {
        SpringApplication.run(BulkExtractApplication.class, args);
    }
}
