package com.dataplatform.bulk.extract.support;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.testsupport.SuitePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Concurrent writers that upsert and delete random keys directly in SQL, as another application would. Every key is
 * owned by exactly one writer, so each key's commit order is the order its writer committed: the independent
 * history the handoff checker compares Kafka against. Payloads are {@code {"org": ..., "w": n}} with n unique per key.
 */
public final class Writers implements AutoCloseable {

    /** One committed state of a key: present with payload w, or absent; with the times its transaction ran. */
    public record State(boolean present, long w, long startNanos, long endNanos) {
    }

    private final String org;
    private final String otherOrg;
    private final int writers;
    private final Map<String, Integer> keyspace; // entity -> number of ids (seeded + new)
    private final long seed;
    private final Map<String, List<State>> history = new ConcurrentHashMap<>();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger commits = new AtomicInteger();
    private final List<Thread> threads = new ArrayList<>();
    private volatile Throwable failure;

    public Writers(String org, String otherOrg, int writers, Map<String, Integer> keyspace, long seed) {
        this.org = org;
        this.otherOrg = otherOrg;
        this.writers = writers;
        this.keyspace = keyspace;
        this.seed = seed;
    }

    public static String id(String entity, int i) {
        return entity.charAt(0) + "-" + String.format("%06d", i);
    }

    public static String userOf(int i) {
        return "u" + (i % 10);
    }

    /** Records the seeded state of a key (before any writer ran). */
    public void seeded(String entity, int i) {
        history.computeIfAbsent(entity + ":" + id(entity, i), k -> new ArrayList<>())
                .add(new State(true, 0, Long.MIN_VALUE, Long.MIN_VALUE));
    }

    public void start() {
        for (int w = 0; w < writers; w++) {
            int me = w;
            Thread t = new Thread(() -> run(me), "writer-" + w);
            threads.add(t);
            t.start();
        }
    }

    private void run(int me) {
        Random random = new Random(seed * 31 + me);
        SuitePostgres.Connection pg = SuitePostgres.get();
        List<String> entities = List.copyOf(keyspace.keySet());
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            c.setAutoCommit(false);
            while (!stop.get()) {
                int ops = 1 + random.nextInt(3);
                long start = System.nanoTime();
                List<Object[]> pending = new ArrayList<>();
                for (int k = 0; k < ops; k++) {
                    String entity = entities.get(random.nextInt(entities.size()));
                    int i = random.nextInt(keyspace.get(entity) / writers) * writers + me;
                    boolean main = random.nextInt(100) < 85;
                    String o = main ? org : otherOrg;
                    String key = entity + ":" + id(entity, i);
                    if (random.nextInt(100) < 25) {
                        try (PreparedStatement ps = c.prepareStatement(
                                "delete from bulk_extract." + LakeNames.quote(entity) + " where org = ? and id = ?")) {
                            ps.setString(1, o);
                            ps.setString(2, id(entity, i));
                            if (ps.executeUpdate() > 0 && main) {
                                pending.add(new Object[] {key, false, 0L});
                            }
                        }
                    } else {
                        long n = main ? nextW(key, pending) : 1;
                        try (PreparedStatement ps = c.prepareStatement("insert into bulk_extract." + LakeNames.quote(entity)
                                + " (org, id, user_id, payload) values (?, ?, ?, ?::jsonb) on conflict (org, id) do"
                                + " update set payload = excluded.payload, updated_at = now()")) {
                            ps.setString(1, o);
                            ps.setString(2, id(entity, i));
                            ps.setString(3, userOf(i));
                            ps.setString(4, "{\"org\": \"" + o + "\", \"w\": " + n + "}");
                            ps.executeUpdate();
                        }
                        if (main) {
                            pending.add(new Object[] {key, true, n});
                        }
                    }
                }
                c.commit();
                long end = System.nanoTime();
                for (Object[] p : pending) {
                    history.computeIfAbsent((String) p[0], x -> new ArrayList<>())
                            .add(new State((Boolean) p[1], (Long) p[2], start, end));
                }
                commits.incrementAndGet();
                Thread.sleep(4 + random.nextInt(5));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            failure = e;
        }
    }

    private long nextW(String key, List<Object[]> pending) {
        long max = 0;
        for (State s : history.getOrDefault(key, List.of())) {
            max = Math.max(max, s.w());
        }
        for (Object[] p : pending) {
            if (p[0].equals(key)) {
                max = Math.max(max, (Long) p[2]);
            }
        }
        return max + 1;
    }

    public int commits() {
        return commits.get();
    }

    /** Stops the writers and returns each key's history (seeded state first, if any). */
    public Map<String, List<State>> stopAndGetHistory() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
        if (failure != null) {
            throw new IllegalStateException("a writer failed", failure);
        }
        return history;
    }

    @Override
    public void close() throws InterruptedException {
        stop.set(true);
        for (Thread t : threads) {
            t.join(30_000);
        }
    }
}
