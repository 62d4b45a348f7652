package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
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
        List<CompletableFuture<?>> sent = new ArrayList<>(records.size());
        String subject = job.id().toString();
        for (ExtractedRecord r : records) {
            String key = r.entity() + ":" + r.id();
            sent.add(events.publish(OutgoingEvent.of(TopicCatalog.EXTRACT_RECORDS, "RecordExtracted", key, job.org(),
                    subject, r).withId(subject + ":" + r.version() + ":" + r.op() + ":" + key)));
        }
        try {
            CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(2, TimeUnit.MINUTES);
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
