package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.common.topics.TopicCatalog;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.core.env.Environment;
import org.springframework.kafka.core.ProducerFactory;
import org.springframework.stereotype.Component;

/**
 * Publishes records of a job to {@code extract.records} (key {@code entity:id}, ce_subject = job id) and returns
 * only when Kafka acknowledged all of them; progress is stored only after that, so a crash re-sends, never skips. The
 * ce_id is derived from (job, version, op, key), so a re-sent record has the id of the first one.
 * <p>
 * Records go through a producer of their own (the suite's producer settings plus {@link #DEFAULTS}, then
 * {@code bulk-extract.records-producer.*}): acks=all with idempotence (no loss, no reordering within a partition,
 * up to 5 batches in flight), lz4, large batches; each round ends with {@code flush()}, so the last batch of a chunk
 * never waits for {@code linger.ms}.
 */
@Component
class RecordPublisher implements DisposableBean {

    /** Settings of the records producer unless overridden by {@code bulk-extract.records-producer.*}. */
    static final Map<String, Object> DEFAULTS = Map.of(ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
            ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 5,
            ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4",
            ProducerConfig.LINGER_MS_CONFIG, 5,
            ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20,
            ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20,
            // an attempt while Kafka is unreachable ends in seconds, not minutes: no metadata within 10 s fails the
            // send, an unacknowledged record fails after 30 s (Kafka's defaults: 60 s and 120 s)
            ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000,
            ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000,
            ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);

    private final Producer<byte[], byte[]> producer;
    private final String source;

    RecordPublisher(ProducerFactory<?, ?> factory, ExtractProperties props, Environment env) {
        Map<String, Object> config = new HashMap<>(factory.getConfigurationProperties());
        config.putAll(DEFAULTS);
        config.putAll(props.recordsProducer());
        config.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "bulk-extract-records-" + Long.toHexString(System.nanoTime()));
        this.producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
        this.source = "urn:dataplatform:" + env.getProperty("spring.application.name", "unknown");
    }

    void publishAll(ExtractionJob job, List<ExtractedRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        RecordEncoder encoder = new RecordEncoder(TopicCatalog.EXTRACT_RECORDS.name(), source, job.org(),
                job.id().toString(), OffsetDateTime.now(ZoneOffset.UTC));
        List<Future<RecordMetadata>> sent = new ArrayList<>(records.size());
        for (ExtractedRecord r : records) {
            Future<RecordMetadata> f;
            try {
                f = producer.send(encoder.encode(r));
            } catch (KafkaException e) {
                throw failed(r, e);
            }
            if (f.isDone()) { // failed at once (e.g. no metadata within max.block.ms): the rest would too, one by one
                settle(f, r);
            }
            sent.add(f);
        }
        producer.flush(); // sends what lingers; returns when every record sent before is acknowledged or failed
        for (int i = 0; i < sent.size(); i++) {
            settle(sent.get(i), records.get(i));
        }
    }

    /** Waits for the send of {@code r}; throws what its failure means for the job ({@link #failed}). */
    private static void settle(Future<RecordMetadata> f, ExtractedRecord r) {
        try {
            f.get(2, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing", e);
        } catch (ExecutionException e) {
            throw failed(r, e.getCause());
        } catch (TimeoutException e) {
            throw new PublishUnavailable(e);
        }
    }

    /**
     * What a failed send means for the job: a record too large for Kafka can never be sent (the job fails with the
     * reason); a retriable error (unreachable, timed out, not enough replicas, leader moving) is Kafka's, retried for
     * as long as it takes; anything else (not authorized, invalid topic, a producer in a fatal state) counts as a
     * failed step, so it fails the job after the usual retries instead of hiding behind "unavailable" forever.
     */
    private static RuntimeException failed(ExtractedRecord r, Throwable cause) {
        if (cause instanceof RecordTooLargeException) {
            return new ExtractionFailure("record " + r.entity() + ":" + r.id() + " is too large for "
                    + TopicCatalog.EXTRACT_RECORDS.name() + ": " + cause.getMessage());
        }
        if (cause instanceof RetriableException) {
            return new PublishUnavailable(cause);
        }
        return new IllegalStateException("publishing to " + TopicCatalog.EXTRACT_RECORDS.name() + " failed: " + cause,
                cause);
    }

    /**
     * Kafka did not take the records this time (unreachable, timed out, not enough replicas...): nothing about the
     * job is wrong, so the worker retries it for as long as it takes, backing off, instead of failing the job.
     */
    static final class PublishUnavailable extends RuntimeException {
        PublishUnavailable(Throwable cause) {
            super("publishing to " + TopicCatalog.EXTRACT_RECORDS.name() + " failed: " + cause, cause);
        }
    }

    @Override
    public void destroy() {
        producer.close(java.time.Duration.ofSeconds(5));
    }
}
