package com.dataplatform.stream.distributor.support;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import tools.jackson.databind.json.JsonMapper;

/** Writes CloudEvents records to the source topic (extract.records) the way bulk-extract does. */
public final class SourceRecords implements AutoCloseable {

    public static final String TOPIC = TopicCatalog.EXTRACT_RECORDS.name();

    private final KafkaProducer<String, byte[]> producer;
    private final CloudEventCodec codec = new CloudEventCodec(JsonMapper.builder().build(), "urn:test:extract");

    public SourceRecords() {
        ensureTopic();
        producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 2,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    /** Creates extract.records (owned by bulk-extract, so not created by this service) if it is missing. */
    public static void ensureTopic() {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", SuiteKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TOPIC, TopicCatalog.EXTRACT_RECORDS.partitions(), (short) 1)))
                    .all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException(e);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public record Row(String entity, long n) {
    }

    /** Sends one record for {@code org} and returns its ce_id. */
    public String send(String org, String key, long n) {
        String id = UUID.randomUUID().toString();
        OutgoingEvent e = OutgoingEvent.of(TopicCatalog.EXTRACT_RECORDS, "RecordExtracted", key, org, "job-1",
                new Row(key, n)).withId(id);
        producer.send(codec.toRecord(e, OffsetDateTime.now()));
        return id;
    }

    /** Sends a record whose ce_type is {@code type} (as a producer of another event type would). */
    public String sendTyped(String org, String type, long n) {
        String id = UUID.randomUUID().toString();
        OutgoingEvent e = OutgoingEvent.of(TopicCatalog.EXTRACT_RECORDS, "RecordExtracted", "typed", org, "job-1",
                new Row("typed", n)).withId(id);
        var record = codec.toRecord(e, OffsetDateTime.now());
        record.headers().remove("ce_type");
        record.headers().add("ce_type", type.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        producer.send(record);
        return id;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
