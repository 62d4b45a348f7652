package com.dataplatform.bench.streams;

import com.dataplatform.stream.distributor.node.DistributorNode;
import com.dataplatform.stream.distributor.stream.Destination;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Delivery throughput of one node with one Kafka-destination stream over a pre-filled source, against a raw
 * consume→produce loop with the same producer settings that, like us, waits for the acks of a poll's records before
 * moving on (at-least-once). Both are timed in steady state: from the first delivered batch to the last record, so
 * client start-up (and, for us, the claim) is not counted.
 */
final class ThroughputRun {

    static final String BASELINE = "raw KafkaConsumer→KafkaProducer loop (max.poll.records 500, idempotent, acks=all, "
            + "linger 5 ms, flush per poll)";

    private ThroughputRun() {
    }

    /** Returns {raw records/s, ours records/s}. */
    static double[] run(BenchCluster cluster, String bootstrap, int records) throws Exception {
        String source = "bench.stream-throughput-" + Long.toString(System.nanoTime(), 36);
        cluster.ensureTopic(source, 6);
        cluster.ensureTopic(BenchCluster.ORG + ".out-ours", 6);
        cluster.ensureTopic(BenchCluster.ORG + ".out-raw", 6);
        try (KafkaProducer<String, byte[]> p = cluster.producer()) {
            for (long n = 0; n < records; n++) {
                p.send(cluster.record(source, n));
            }
            p.flush();
        }
        double raw = raw(bootstrap, source, records);
        double ours = ours(cluster, source, records);
        return new double[] {raw, ours};
    }

    private static double ours(BenchCluster cluster, String source, int records) {
        Map<Integer, Long> start = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            start.put(p, 0L);
        }
        UUID id = cluster.addStream("throughput-" + source, source,
                new Destination.KafkaTopic(BenchCluster.ORG + ".out-ours"), start).id();
        DistributorNode node = cluster.startNode("bench-throughput");
        try {
            long deadline = System.nanoTime() + 600_000_000_000L;
            long first;
            while ((first = delivered(cluster, id)) == 0) {
                check(deadline);
                FailoverTrials.sleep(2);
            }
            long t1 = System.nanoTime();
            while (delivered(cluster, id) < records) {
                check(deadline);
                FailoverTrials.sleep(10);
            }
            return (records - first) / ((System.nanoTime() - t1) / 1e9);
        } finally {
            node.shutdown();
        }
    }

    private static void check(long deadline) {
        if (System.nanoTime() > deadline) {
            throw new IllegalStateException("throughput run did not finish");
        }
    }

    private static long delivered(BenchCluster cluster, UUID id) {
        return cluster.jdbc.sql("""
                select coalesce(sum(value::bigint), 0) from stream, jsonb_each_text(checkpoint) where id = :id""")
                .param("id", id).query(Long.class).single();
    }

    private static double raw(String bootstrap, String source, int records) {
        long t1 = 0;
        long first = 0;
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                "key.deserializer", StringDeserializer.class, "value.deserializer", ByteArrayDeserializer.class,
                "enable.auto.commit", false, "max.poll.records", 500));
                KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap, ProducerConfig.ACKS_CONFIG, "all",
                        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.LINGER_MS_CONFIG, 5,
                        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
            List<TopicPartition> parts = new ArrayList<>();
            c.partitionsFor(source).forEach(i -> parts.add(new TopicPartition(source, i.partition())));
            c.assign(parts);
            c.seekToBeginning(parts);
            long copied = 0;
            while (copied < records) {
                for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(200))) {
                    ProducerRecord<String, byte[]> out = new ProducerRecord<>(BenchCluster.ORG + ".out-raw", null,
                            r.key(), r.value(), r.headers());
                    p.send(out);
                    copied++;
                }
                p.flush();
                if (first == 0 && copied > 0) {
                    first = copied;
                    t1 = System.nanoTime();
                }
            }
        }
        return (records - first) / ((System.nanoTime() - t1) / 1e9);
    }
}
