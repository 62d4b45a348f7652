package com.dataplatform.bulk.extract.support;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import tools.jackson.databind.JsonNode;

/** Reads {@code extract.jobs} from the beginning: the life-cycle events of one job, in order. */
public final class JobEvents implements AutoCloseable {

    /** One event: its CloudEvents type, tenant, body and {@code ce_requestid} (null if none). */
    public record Event(String type, String tenant, JsonNode data, String requestId) {
    }

    private final KafkaConsumer<String, byte[]> consumer;
    private final String subject;
    private final List<Event> events = new ArrayList<>();

    public JobEvents(String jobId) {
        this.subject = jobId;
        this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "jobs-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
        consumer.subscribe(List.of("extract.jobs"));
    }

    /** Polls once (up to {@code wait}) and returns every event of the job read so far. */
    public List<Event> poll(Duration wait) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(wait)) {
            ReceivedEvent e = CloudEventCodec.read(r);
            if (subject.equals(e.subject())) {
                var rid = r.headers().lastHeader("ce_requestid");
                events.add(new Event(e.type(), e.tenant(), Http.JSON.readTree(r.value()),
                        rid == null ? null : new String(rid.value(), java.nio.charset.StandardCharsets.UTF_8)));
            }
        }
        return List.copyOf(events);
    }

    public List<String> types(Duration wait) {
        return poll(wait).stream().map(Event::type).toList();
    }

    @Override
    public void close() {
        consumer.close();
    }
}
