package com.dataplatform.common.config;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Suite-wide settings every service shares.
 *
 * @param http  request limits
 * @param kafka topic creation and dead-lettering
 * @param lake  whether this service migrates the shared lake catalog
 */
@ConfigurationProperties("suite")
public record SuiteProperties(@DefaultValue Http http, @DefaultValue Kafka kafka, @DefaultValue Lake lake) {

    /** @param maxBodySize largest request body accepted; larger ones get 413 problem+json */
    public record Http(@DefaultValue("1MB") DataSize maxBodySize) {
    }

    /**
     * @param createTopics   create the topics this service owns (and dead-letter topics of those it consumes)
     * @param retryAttempts  deliveries of a failing record before it goes to {@code <topic>.dlt}
     * @param retryBackoff   pause between those deliveries
     * @param healthTimeout  how long the Kafka health check waits for the cluster
     */
    public record Kafka(@DefaultValue("true") boolean createTopics, @DefaultValue("3") int retryAttempts,
            @DefaultValue("500ms") Duration retryBackoff, @DefaultValue("3s") Duration healthTimeout) {
    }

    /** @param enabled migrate {@code lake.datasets} (idempotent; safe from several services at once) */
    public record Lake(@DefaultValue("false") boolean enabled) {
    }
}
