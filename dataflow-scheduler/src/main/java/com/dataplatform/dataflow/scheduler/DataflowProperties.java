package com.dataplatform.dataflow.scheduler;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param lease            how long a RUNNING run's lease lasts without a heartbeat
 * @param heartbeat        how often a worker renews its leases
 * @param pollInterval     dispatcher tick when idle (it is also woken after enqueues and finishes)
 * @param batchSize        most runs started, and most wake-ups consumed, per dispatch transaction
 * @param globalLimit      most runs RUNNING at once over all orgs and types
 * @param defaultTypeLimit limit of a type without {@code PUT /api/limits/{type}}
 * @param workers          threads executing runs in this instance
 * @param dispatcherEnabled whether this instance dispatches and executes runs at all
 */
@ConfigurationProperties("dataflow")
public record DataflowProperties(@DefaultValue("30s") Duration lease, @DefaultValue("5s") Duration heartbeat,
        @DefaultValue("200ms") Duration pollInterval, @DefaultValue("500") int batchSize,
        @DefaultValue("64") int globalLimit, @DefaultValue("16") int defaultTypeLimit,
        @DefaultValue("8") int workers, @DefaultValue("true") boolean dispatcherEnabled) {
}
