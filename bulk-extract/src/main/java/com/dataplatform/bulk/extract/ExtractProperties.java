package com.dataplatform.bulk.extract;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of bulk-extract.
 *
 * @param entities           source entities (one table each in this service's schema)
 * @param defaultChunkSize   snapshot chunk size when a job does not name one
 * @param minChunkSize       smallest chunk size a job may ask for
 * @param maxChunkSize       largest chunk size a job may ask for
 * @param maxBatchItems      most upserts + deletes in one {@code POST /api/sources/{entity}/records}
 * @param relayInterval      how often the relay moves captured changes into the feed
 * @param streamPollInterval how long a caught-up stream waits for the relay of this node before polling the feed again
 * @param streamBatch        most feed changes a streaming job publishes per round
 * @param lease              how long a node owns a job without renewing (database time)
 * @param workers            jobs run at once by one node
 * @param claimGrace         how long a new job is left to the node that accepted it before any node may claim it
 * @param feedRetention      how long relayed changes are kept once no active job needs them
 * @param recordsProducer    Kafka producer settings for extract.records over the service's defaults (see
 *                           {@code RecordPublisher.DEFAULTS})
 */
@ConfigurationProperties("bulk-extract")
public record ExtractProperties(
        @DefaultValue({"contacts", "activities"}) List<String> entities,
        @DefaultValue("1024") int defaultChunkSize,
        @DefaultValue("10") int minChunkSize,
        @DefaultValue("10000") int maxChunkSize,
        @DefaultValue("10000") int maxBatchItems,
        @DefaultValue("10ms") Duration relayInterval,
        @DefaultValue("50ms") Duration streamPollInterval,
        @DefaultValue("2000") int streamBatch,
        @DefaultValue("15s") Duration lease,
        @DefaultValue("8") int workers,
        @DefaultValue("2s") Duration claimGrace,
        @DefaultValue("1h") Duration feedRetention,
        Map<String, String> recordsProducer) {

    public ExtractProperties {
        entities = List.copyOf(entities);
        recordsProducer = recordsProducer == null ? Map.of() : Map.copyOf(recordsProducer);
    }
}
