package com.dataplatform.analytics.embed.data;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.InvalidEventException;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.lake.LakeNames;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.listener.MessageListener;
import tools.jackson.databind.json.JsonMapper;

/**
 * Invalidates cached results when a dataset is rewritten ({@code DatasetUpdated} on {@code datasets.changes}). Fed by
 * {@link CacheInvalidationConsumer}, which gives every instance every event. Invalidation is idempotent, so
 * redeliveries need no {@code processed_event} bookkeeping (which, being shared, would wrongly stop the other
 * instances). An event that names no valid dataset throws, and the suite's error handler sends it to the DLT.
 */
class DatasetChangesListener implements MessageListener<String, byte[]> {

    private static final Logger log = LoggerFactory.getLogger(DatasetChangesListener.class);

    private final ResultCache cache;
    private final JsonMapper json;

    DatasetChangesListener(ResultCache cache, JsonMapper json) {
        this.cache = cache;
        this.json = json;
    }

    @Override
    public void onMessage(ConsumerRecord<String, byte[]> record) {
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
