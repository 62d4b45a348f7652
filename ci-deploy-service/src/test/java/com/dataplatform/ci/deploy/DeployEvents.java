package com.dataplatform.ci.deploy;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** Reads {@code deploy.events} from the start, without a consumer group, for one app (the record key). */
public final class DeployEvents {

    private DeployEvents() {
    }

    /** The app's events, in order, read until {@code done} holds for them or {@code timeout} passes. */
    public static List<ReceivedEvent> of(String app, Predicate<List<ReceivedEvent>> done, Duration timeout) {
        Map<String, Object> cfg = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ReceivedEvent> events = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cfg)) {
            // no consumer group: assigned every partition and read from the start
            List<TopicPartition> partitions = consumer.partitionsFor("deploy.events", Duration.ofSeconds(30))
                    .stream().map(p -> new TopicPartition(p.topic(), p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(events)) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (app.equals(rec.key())) {
                        events.add(CloudEventCodec.read(rec));
                    }
                }
            }
        }
        return events;
    }

    /** The events of {@code type}, read until there are {@code count} of them (or 30 s pass). */
    public static List<ReceivedEvent> ofType(String app, String type, int count) {
        return of(app, es -> es.stream().filter(e -> e.type().equals(type)).count() >= count, Duration.ofSeconds(30))
                .stream().filter(e -> e.type().equals(type)).toList();
    }
}
