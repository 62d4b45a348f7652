package com.dataplatform.analytics.embed.data;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.InvalidEventException;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.lake.LakeNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invalidates cached results when a dataset is rewritten. Every instance must see every event, so each instance
 * reads with its own consumer group (prefix + random id). Invalidation is idempotent, so redeliveries need no
 * {@code processed_event} bookkeeping (which, being shared, would wrongly stop the other instances).
 */
@Component
class DatasetChangesListener {

    private static final Logger log = LoggerFactory.getLogger(DatasetChangesListener.class);

    private final ResultCache cache;
    private final JsonMapper json;

    DatasetChangesListener(ResultCache cache, JsonMapper json) {
        this.cache = cache;
        this.json = json;
    }

    @KafkaListener(topics = "datasets.changes", groupId = "${embed.cache-consumer-group:analytics-embed-cache}-${random.uuid}")
    void onChange(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event = CloudEventCodec.read(record);
        if (!"DatasetUpdated".equals(event.type())) {
            return;
        }
        DatasetUpdated change = event.dataAs(DatasetUpdated.class, json);
        if (!LakeNames.isDataset(change.dataset())) {
            throw new InvalidEventException("DatasetUpdated " + event.id() + " names no valid dataset");
        }
        cache.invalidate(ResultCache.dataset(event.tenant(), change.dataset()));
        log.debug("invalidated {}.{} at version {}", event.tenant(), change.dataset(), change.version());
    }
}
