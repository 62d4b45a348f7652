package com.dataplatform.stream.distributor;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Fenced work distribution of org data streams across dependency-aware nodes. */
@SpringBootApplication
public class StreamDistributorApplication {

    public static void main(String[] args) {
        SpringApplication.run(StreamDistributorApplication.class, args);
    }
}
