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
            ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20);

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
            try {
                sent.add(producer.send(encoder.encode(r)));
            } catch (RecordTooLargeException e) {
                throw tooLarge(r, e);
            } catch (KafkaException e) { // e.g. no metadata within max.block.ms: the cluster is unreachable
                throw new PublishUnavailable(e);
            }
        }
        producer.flush(); // sends what lingers; returns when every record sent before is acknowledged or failed
        for (int i = 0; i < sent.size(); i++) {
            try {
                sent.get(i).get(2, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while publishing", e);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RecordTooLargeException tooLarge) {
                    throw tooLarge(records.get(i), tooLarge);
                }
                throw new PublishUnavailable(e.getCause());
            } catch (TimeoutException e) {
                throw new PublishUnavailable(e);
            }
        }
    }

    /** No retry can send it: the job fails with the reason rather than retrying it forever. */
    private static ExtractionFailure tooLarge(ExtractedRecord r, RecordTooLargeException e) {
        return new ExtractionFailure("record " + r.entity() + ":" + r.id() + " is too large for "
                + TopicCatalog.EXTRACT_RECORDS.name() + ": " + e.getMessage());
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
