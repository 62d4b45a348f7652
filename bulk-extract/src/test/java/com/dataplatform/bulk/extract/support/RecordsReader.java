package com.dataplatform.bulk.extract.support;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/** Reads {@code extract.records} from the beginning, keeping the records of some jobs in partition order. */
public final class RecordsReader implements AutoCloseable {

    /** One consumed record: its key, partition/offset, and body. */
    public record Rec(String key, int partition, long offset, String op, String entity, String id, String userId,
            long version, JsonNode data, String ceId, String tenant, String subject) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final Set<String> subjects;
    private final List<Rec> records = new ArrayList<>();

    /** Reads the records of the given jobs. */
    public RecordsReader(String... jobIds) {
        this.subjects = Set.of(jobIds);
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "checker-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of("extract.records"));
    }

    /**
     * Polls until everything on the topic when called has been read (at most a minute), then until no new record of
     * the job arrived for {@code quiet}.
     */
    public List<Rec> drain(Duration quiet) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (consumer.assignment().isEmpty() && System.nanoTime() < deadline) {
            take(consumer.poll(Duration.ofMillis(200)));
        }
        Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
        while (System.nanoTime() < deadline
                && end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
            take(consumer.poll(Duration.ofMillis(200)));
        }
        long lastNew = System.nanoTime();
        while (System.nanoTime() - lastNew < quiet.toNanos()) {
            if (take(consumer.poll(Duration.ofMillis(200)))) {
                lastNew = System.nanoTime();
            }
        }
        return List.copyOf(records);
    }

    private boolean take(Iterable<ConsumerRecord<String, byte[]>> polled) {
        boolean any = false;
        for (ConsumerRecord<String, byte[]> r : polled) {
            ReceivedEvent e = CloudEventCodec.read(r);
            if (!subjects.contains(e.subject())) {
                continue;
            }
            JsonNode b = Http.JSON.readTree(r.value());
            records.add(new Rec(r.key(), r.partition(), r.offset(), b.path("op").asString(),
                    b.path("entity").asString(), b.path("id").asString(),
                    b.path("userId").isNull() ? null : b.path("userId").asString(), b.path("version").asLong(),
                    b.path("data").isNull() || b.path("data").isMissingNode() ? null : b.get("data"), e.id(),
                    e.tenant(), e.subject()));
            any = true;
        }
        return any;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
