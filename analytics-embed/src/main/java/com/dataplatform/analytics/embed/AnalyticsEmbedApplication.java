package com.dataplatform.analytics.embed;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

/** Embed areas on pages, rendered live from lake datasets, with signed tokens, row-level filters and CSP. */
@SpringBootApplication
public class AnalyticsEmbedApplication {

    public static void main(String[] args) {
        SpringApplication.run(AnalyticsEmbedApplication.class, args);
    }
}
