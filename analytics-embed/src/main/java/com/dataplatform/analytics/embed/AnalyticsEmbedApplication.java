package com.dataplatform.analytics.embed;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/** Embed areas on pages, rendered live from lake datasets, with signed tokens, row-level filters and CSP. */
@SpringBootApplication
@EnableConfigurationProperties(EmbedProperties.class)
public class AnalyticsEmbedApplication {

    public static void main(String[] args) {
        SpringApplication.run(AnalyticsEmbedApplication.class, args);
    }
}
