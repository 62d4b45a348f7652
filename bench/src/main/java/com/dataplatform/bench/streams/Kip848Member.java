package com.dataplatform.bench.streams;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The member that gets killed in the KIP-848 baseline: a separate JVM (so {@code destroyForcibly} is a real SIGKILL,
 * no leave-group request) holding one consumer per group, all with default settings.
 * Args: bootstrap topic group1,group2,...
 */
public final class Kip848Member {

    private Kip848Member() {
    }

    public static void main(String[] args) throws Exception {
        String bootstrap = args[0];
        String topic = args[1];
        for (String group : args[2].split(",")) {
            Thread t = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                        "group.id", group, "group.protocol", "consumer",
                        "key.deserializer", StringDeserializer.class, "value.deserializer",
                        ByteArrayDeserializer.class))) {
                    c.subscribe(List.of(topic));
                    boolean announced = false;
                    while (true) {
                        c.poll(Duration.ofMillis(100));
                        if (!announced && !c.assignment().isEmpty()) {
                            System.out.println("ASSIGNED " + group + " " + c.assignment().size());
                            System.out.flush();
                            announced = true;
                        }
                    }
                }
            }, "member-" + group);
            t.start();
        }
        Thread.currentThread().join();
    }
}
