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
 * @param outbound SSRF guard settings for calls to user-given URLs
 */
@ConfigurationProperties("suite")
public record SuiteProperties(@DefaultValue Http http, @DefaultValue Kafka kafka, @DefaultValue Lake lake,
        @DefaultValue Outbound outbound) {

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

    /**
     * @param allowlist host names or CIDR ranges that outbound calls may reach even though they are loopback,
     *                  private or link-local (e.g. {@code 127.0.0.0/8} for local receivers); empty in production
     */
    public record Outbound(@DefaultValue java.util.List<String> allowlist) {
    }

    /** @param enabled migrate {@code lake.datasets} (idempotent; safe from several services at once) */
    public record Lake(@DefaultValue("false") boolean enabled) {
    }
}
