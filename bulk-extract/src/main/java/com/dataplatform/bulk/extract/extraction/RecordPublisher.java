package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.events.EventBatch;
import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.stereotype.Component;

/**
 * Publishes records of a job to {@code extract.records} (key {@code entity:id}, ce_subject = job id) and waits until
 * Kafka acknowledged all of them; progress is stored only after that, so a crash re-sends, never skips. The ce_id is
 * derived from (job, version, op, key), so a re-sent record has the id of the first one.
 */
@Component
class RecordPublisher {

    private final EventPublisher events;

    RecordPublisher(EventPublisher events) {
        this.events = events;
    }

    void publishAll(ExtractionJob job, List<ExtractedRecord> records) {
        String subject = job.id().toString();
        List<EventBatch.Item> items = new ArrayList<>(records.size());
        for (ExtractedRecord r : records) {
            String key = r.entity() + ":" + r.id();
            items.add(new EventBatch.Item(key, subject + ":" + r.version() + ":" + r.op() + ":" + key, r));
        }
        try {
            events.publishAll(new EventBatch(TopicCatalog.EXTRACT_RECORDS, "RecordExtracted", job.org(), subject,
                    items)).get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing to extract.records failed", e);
        }
    }

    void jobEvent(ExtractionJob job, String type, Object data) {
        try {
            events.publish(OutgoingEvent.of(TopicCatalog.EXTRACT_JOBS, type, job.id().toString(), job.org(),
                    job.id().toString(), data)).get(1, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("publishing to extract.jobs failed", e);
        }
    }
}
