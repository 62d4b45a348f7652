package com.dataplatform.bench.streams;

import com.dataplatform.stream.distributor.node.DistributorNode;
import com.dataplatform.stream.distributor.stream.Destination;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;

/**
 * Ours: two nodes with default settings share webhook streams while a producer writes continuously; one node is
 * killed (no release) and we time kill → every orphaned stream's receiver got a record under a newer epoch. The
 * killed node is restarted between trials (it takes its share back by hand-over).
 */
final class FailoverTrials {

    private FailoverTrials() {
    }

    static List<Double> run(BenchCluster cluster, int trials, int streams) throws Exception {
        String topic = "bench.stream-failover";
        cluster.ensureTopic(topic, 6);
        Map<Integer, Long> start = new HashMap<>();
        for (int p = 0; p < 6; p++) {
            start.put(p, 0L);
        }
        List<Double> millis = new ArrayList<>();
        try (BenchReceiver receiver = new BenchReceiver();
                KafkaProducer<String, byte[]> producer = cluster.producer()) {
            Map<UUID, String> hooks = new HashMap<>();
            for (int i = 0; i < streams; i++) {
                String hook = "f" + i;
                UUID id = cluster.addStream("failover-" + i, topic,
                        new Destination.Webhook(receiver.url(hook), "bench-secret-0123456789"), start).id();
                hooks.put(id, hook);
            }
            AtomicBoolean producing = new AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                long n = 0;
                while (producing.get()) {
                    producer.send(cluster.record(topic, n++));
                    if (n % 10 == 0) {
                        sleep(20);
                    }
                }
            }, "bench-failover-producer");
            writer.start();
            DistributorNode a = cluster.startNode("bench-a");
            DistributorNode b = cluster.startNode("bench-b");
            try {
                for (int t = 0; t < trials; t++) {
                    awaitBalanced(cluster, a, b, streams);
                    sleep(500);
                    Map<UUID, Long> orphans = new HashMap<>();
                    cluster.jdbc.sql("select id, epoch from stream where owner = 'bench-b'")
                            .query((rs, i) -> orphans.put(rs.getObject("id", UUID.class), rs.getLong("epoch")))
                            .list();
                    long killedAt = System.nanoTime();
                    b.crash();
                    long deadline = killedAt + 60_000_000_000L;
                    long last = 0;
                    for (Map.Entry<UUID, Long> o : orphans.entrySet()) {
                        Long at;
                        while ((at = receiver.firstAbove(hooks.get(o.getKey()), o.getValue())) == null) {
                            if (System.nanoTime() > deadline) {
                                throw new IllegalStateException("stream " + o.getKey() + " never resumed");
                            }
                            sleep(10);
                        }
                        last = Math.max(last, at);
                    }
                    millis.add((last - killedAt) / 1e6);
                    b = cluster.startNode("bench-b");
                }
            } finally {
                producing.set(false);
                writer.join();
                a.crash();
                b.crash();
            }
        }
        return millis;
    }

    private static void awaitBalanced(BenchCluster cluster, DistributorNode a, DistributorNode b, int streams) {
        long deadline = System.nanoTime() + 60_000_000_000L;
        int half = (streams + 1) / 2;
        while (!(a.ownedCount() == half && b.ownedCount() == streams - half && active(cluster) == streams)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("nodes did not balance: " + a.ownedCount() + "/" + b.ownedCount());
            }
            sleep(20);
        }
    }

    private static int active(BenchCluster cluster) {
        return cluster.jdbc.sql("select count(*) from stream where status = 'ACTIVE' and name like 'failover-%'")
                .query(Integer.class).single();
    }

    static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
