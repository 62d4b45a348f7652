package com.dataplatform.bench.streams;

import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The baseline: a KIP-848 consumer group ({@code group.protocol=consumer}, every setting default) of two members on
 * a 6-partition topic with a continuous producer. The member in a child JVM is SIGKILLed; we time kill → the
 * survivor has fetched a record from every partition the dead member held. One group per trial; all groups share
 * one child JVM and one kill, each group's session timer runs independently.
 */
final class Kip848Baseline implements AutoCloseable {

    private static final String TOPIC = "bench.stream-kip848";

    private final List<Survivor> survivors = new ArrayList<>();
    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final Thread writer;
    private final Process child;
    private volatile long killedAt;

    Kip848Baseline(BenchCluster cluster, String bootstrap, int groups) throws Exception {
        cluster.ensureTopic(TOPIC, 6);
        var producer = cluster.producer();
        writer = new Thread(() -> {
            long n = 0;
            try (producer) {
                while (producing.get()) {
                    producer.send(cluster.record(TOPIC, n++));
                    if (n % 10 == 0) {
                        FailoverTrials.sleep(20);
                    }
                }
            }
        }, "bench-kip848-producer");
        writer.start();
        String run = Long.toString(System.nanoTime(), 36);
        List<String> names = new ArrayList<>();
        for (int g = 0; g < groups; g++) {
            names.add("bench-kip848-" + run + "-" + g);
        }
        for (String name : names) {
            survivors.add(new Survivor(bootstrap, name));
        }
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        child = new ProcessBuilder(java, "-Xmx256m", "-cp", System.getProperty("java.class.path"),
                Kip848Member.class.getName(), bootstrap, TOPIC, String.join(",", names))
                .redirectErrorStream(true).start();
        Set<String> assigned = new HashSet<>();
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
        Thread reader = new Thread(() -> {
            try {
                String line;
                while ((line = out.readLine()) != null) {
                    if (line.startsWith("ASSIGNED ")) {
                        synchronized (assigned) {
                            assigned.add(line.split(" ")[1]);
                        }
                    }
                }
            } catch (Exception ignored) {
                // child gone
            }
        }, "bench-kip848-child-out");
        reader.setDaemon(true);
        reader.start();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (true) {
            boolean ready;
            synchronized (assigned) {
                ready = assigned.size() == groups && survivors.stream().allMatch(s -> s.assigned().size() == 3);
            }
            if (ready) {
                break;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("KIP-848 groups did not settle on 3 + 3 partitions");
            }
            FailoverTrials.sleep(50);
        }
    }

    /** SIGKILLs the other member of every group. */
    void kill() {
        for (Survivor s : survivors) {
            s.orphans.clear();
            for (int p = 0; p < 6; p++) {
                TopicPartition tp = new TopicPartition(TOPIC, p);
                if (!s.assigned().contains(tp)) {
                    s.orphans.add(tp);
                }
            }
        }
        killedAt = System.nanoTime();
        child.destroyForcibly();
    }

    /** Per group: ms from the kill until every orphaned partition delivered a record to the survivor. */
    List<Double> await(Duration max) {
        long deadline = killedAt + max.toNanos();
        List<Double> result = new ArrayList<>();
        for (Survivor s : survivors) {
            while (!s.resumedAll() && System.nanoTime() < deadline) {
                FailoverTrials.sleep(50);
            }
            if (!s.resumedAll()) {
                throw new IllegalStateException("KIP-848 group " + s.group + " did not resume within " + max);
            }
            result.add((s.resumedAt() - killedAt) / 1e6);
        }
        return result;
    }

    @Override
    public void close() throws InterruptedException {
        child.destroyForcibly();
        producing.set(false);
        writer.join();
        survivors.forEach(Survivor::close);
    }

    /** The surviving member of one group, polling on its own thread. */
    private final class Survivor {
        final String group;
        final Set<TopicPartition> orphans = ConcurrentHashMap.newKeySet();
        private final Map<TopicPartition, Long> firstAfterKill = new ConcurrentHashMap<>();
        private volatile Set<TopicPartition> assignment = Set.of();
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final Thread thread;

        Survivor(String bootstrap, String group) {
            this.group = group;
            thread = new Thread(() -> {
                try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers", bootstrap,
                        "group.id", group, "group.protocol", "consumer", "key.deserializer", StringDeserializer.class,
                        "value.deserializer", ByteArrayDeserializer.class))) {
                    c.subscribe(List.of(TOPIC));
                    while (running.get()) {
                        var records = c.poll(Duration.ofMillis(50));
                        long now = System.nanoTime();
                        assignment = Set.copyOf(c.assignment());
                        long k = killedAt;
                        if (k != 0) {
                            for (ConsumerRecord<String, byte[]> r : records) {
                                firstAfterKill.putIfAbsent(new TopicPartition(r.topic(), r.partition()), now);
                            }
                        }
                    }
                }
            }, "bench-kip848-" + group);
            thread.start();
        }

        Set<TopicPartition> assigned() {
            return assignment;
        }

        boolean resumedAll() {
            return !orphans.isEmpty() && orphans.stream().allMatch(firstAfterKill::containsKey);
        }

        long resumedAt() {
            return orphans.stream().mapToLong(firstAfterKill::get).max().orElseThrow();
        }

        void close() {
            running.set(false);
            try {
                thread.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
