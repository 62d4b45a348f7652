package com.dataplatform.bench.events;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The cost of the suite's event contract: publishing CloudEvents (JSON body + ce_* headers) through
 * {@link EventPublisher}/KafkaTemplate vs a raw KafkaProducer sending pre-serialized bytes of the same size, same
 * broker, same producer settings (acks=all, idempotence, linger 5 ms).
 */
public class EventPublishingBenchmark implements Benchmark {

    record DatasetUpdated(String dataset, long version, long rowCount) {
    }

    @Override
    public String name() {
        return "common: CloudEvents publishing";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int n = ctx.size(2_000, 200_000);
        String topic = TopicCatalog.DATASETS_CHANGES.name();
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", ctx.kafkaBootstrap()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 3, (short) 1))).all().get();
            }
        }
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        JsonMapper json = JsonMapper.builder().build();
        byte[] body = json.writeValueAsBytes(new DatasetUpdated("sales", 1, 1000));

        double raw;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg)) {
            raw = measure(n, () -> {
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, "acme.sales" + (i % 64), body)));
                }
                for (var f : sent) {
                    f.get();
                }
            });
        }
        // Same bytes on the wire as ours (one pre-built CloudEvents record re-sent): isolates our per-event work
        // (id, JSON, headers, KafkaTemplate) from the cost of the headers themselves.
        CloudEventCodec codec = new CloudEventCodec(json, "urn:dataplatform:bench");
        ProducerRecord<String, byte[]> template0 = codec.toRecord(OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES,
                "DatasetUpdated", "acme.sales", "acme", "sales", new DatasetUpdated("sales", 1, 1000)),
                java.time.OffsetDateTime.now());
        double rawWithHeaders;
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg)) {
            rawWithHeaders = measure(n, () -> {
                List<java.util.concurrent.Future<?>> sent = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sent.add(producer.send(new ProducerRecord<>(topic, null, "acme.sales" + (i % 64),
                            template0.value(), template0.headers())));
                }
                for (var f : sent) {
                    f.get();
                }
            });
        }
        double ours;
        DefaultKafkaProducerFactory<String, byte[]> factory = new DefaultKafkaProducerFactory<>(cfg);
        try {
            KafkaTemplate<String, byte[]> template = new KafkaTemplate<>(factory);
            template.setDefaultTopic(topic);
            EventPublisher publisher = new EventPublisher(template, codec);
            ours = measure(n, () -> {
                List<CompletableFuture<?>> sent = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    sent.add(publisher.publish(OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated",
                            "acme.sales" + (i % 64), "acme", "sales", new DatasetUpdated("sales", i, 1000))));
                }
                CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).join();
            });
        } finally {
            factory.destroy();
        }
        return List.of(
                new Result(n + " events, acks=all", "raw KafkaProducer, pre-serialized body, no headers", raw, ours,
                        "events/s", true),
                new Result(n + " events, acks=all", "raw KafkaProducer, one pre-built CloudEvents record re-sent",
                        rawWithHeaders, ours, "events/s", true));
    }

    private interface Work {
        void run() throws Exception;
    }

    private static double measure(int n, Work work) throws Exception {
        work.run(); // warm-up pass: connections, metadata, JIT
        long start = System.nanoTime();
        work.run();
        return n / ((System.nanoTime() - start) / 1e9);
    }
}
