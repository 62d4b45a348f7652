package com.dataplatform.dataflow.scheduler.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Several dispatcher instances, concurrent enqueuers and fake workers over random read/write sets; the recorded
 * history (database start/finish order plus an in-memory check of what actually executed at once) must satisfy
 * every dispatch rule.
 */
class RandomizedHistoryIT extends DispatchTestBase {

    private static final int DISPATCHERS = 3;
    private static final int RUNS = 500;
    private static final int DATASETS = 12;
    private static final int DATAFLOWS = 60;
    private static final int GLOBAL_LIMIT = 10;
    private static final Map<String, Integer> TYPE_LIMITS = Map.of("t0", 1, "t1", 2, "t2", 4, "t3", 16);

    record Flow(UUID id, String type, Set<String> reads, Set<String> writes) {
        Map<String, String> locks() {
            Map<String, String> m = new HashMap<>();
            m.put("flow:" + id, "X");
            reads.forEach(r -> m.put(r, "S"));
            writes.forEach(w -> m.put(w, "X"));
            return m;
        }

        boolean conflicts(Flow o) {
            Map<String, String> a = locks();
            for (Map.Entry<String, String> e : o.locks().entrySet()) {
                String mine = a.get(e.getKey());
                if (mine != null && (mine.equals("X") || e.getValue().equals("X"))) {
                    return true;
                }
            }
            return false;
        }
    }

    static final AtomicInteger STEPS = new AtomicInteger();
    static final java.util.concurrent.atomic.AtomicLong STEP_NANOS = new java.util.concurrent.atomic.AtomicLong();
    static final AtomicInteger STARTED = new AtomicInteger();

    /** start/finish: the run's place in the database's start/finish order (null: it never started). */
    record Run(UUID id, long seq, Flow flow, Long start, Long finish, String status) {
    }

    @Test
    void no_dispatch_rule_is_ever_broken_with_three_dispatchers() throws Exception {
        history(false);
    }

    /**
     * The same history while a canceller cancels random queued and running runs: cancels release locks at once, race
     * the workers' finishes (fenced: a cancelled run's worker finds its finish refused) and the dispatch steps that
     * reap those finishes. Every run still ends exactly once, every lock row is released, and the rules hold over
     * the database's start/finish order (a run cancelled while running counts until its cancel; its worker, now a
     * zombie, may still be "executing", so the in-memory overlap check is off here).
     */
    @Test
    void cancels_racing_finishes_and_the_reaping_steps_break_no_rule_and_release_every_lock() throws Exception {
        history(true);
    }

    private void history(boolean cancels) throws Exception {
        STEPS.set(0);
        STEP_NANOS.set(0);
        STARTED.set(0);
        long seed = Long.getLong("history.seed", System.nanoTime());
        System.out.println("RandomizedHistoryIT seed = " + seed + " (rerun with -Dhistory.seed=" + seed + ")"
                + (cancels ? " with cancels" : ""));
        Random random = new Random(seed);
        String org = newOrg();
        TYPE_LIMITS.forEach((t, m) -> limit(org, t, m));
        List<Flow> flows = new ArrayList<>();
        for (int i = 0; i < DATAFLOWS; i++) {
            Set<String> reads = new HashSet<>();
            Set<String> writes = new HashSet<>();
            for (int k = random.nextInt(3); k > 0; k--) {
                reads.add("d" + random.nextInt(DATASETS));
            }
            for (int k = random.nextInt(100) < 60 ? 1 : random.nextInt(100) < 50 ? 0 : 2; k > 0; k--) {
                writes.add("d" + random.nextInt(DATASETS));
            }
            String type = "t" + random.nextInt(4);
            UUID id = dataflow(org, type, reads.toArray(String[]::new), writes.toArray(String[]::new));
            Set<String> readOnly = new HashSet<>(reads);
            readOnly.removeAll(writes);
            flows.add(new Flow(id, type, readOnly, writes));
        }
        Map<UUID, Flow> flowById = new HashMap<>();
        flows.forEach(f -> flowById.put(f.id(), f));
        List<Flow> plan = new ArrayList<>();
        for (int i = 0; i < RUNS; i++) {
            plan.add(flows.get(random.nextInt(flows.size())));
        }

        Map<String, Map<UUID, String>> executing = new ConcurrentHashMap<>();
        List<String> violations = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<UUID, AtomicInteger> finishes = new ConcurrentHashMap<>();
        AtomicBoolean stop = new AtomicBoolean();
        ExecutorService threads = Executors.newCachedThreadPool();
        List<Dispatcher> dispatchers = new ArrayList<>();
        for (int i = 0; i < DISPATCHERS; i++) {
            dispatchers.add(dispatcher("history-" + i, Duration.ofSeconds(60), 20, GLOBAL_LIMIT));
        }
        for (Dispatcher d : dispatchers) {
            ExecutorService workers = Executors.newFixedThreadPool(6);
            long workerSeed = random.nextLong();
            threads.execute(() -> {
                Random r = new Random(workerSeed);
                while (!stop.get()) {
                    long t0 = System.nanoTime();
                    Dispatcher.Step step = d.step(6);
                    if (step.claimed()) {
                        STEPS.incrementAndGet();
                        STEP_NANOS.addAndGet(System.nanoTime() - t0);
                        STARTED.addAndGet(step.started());
                    }
                    for (ClaimedRun run : step.runs()) {
                        int pause = r.nextInt(4);
                        workers.execute(() -> work(run, flowById.get(run.dataflowId()), executing, violations,
                                finishes, pause, !cancels));
                    }
                    if (!step.moreWork()) {
                        sleep(r.nextInt(3));
                    }
                }
                workers.shutdown();
            });
        }
        List<UUID> enqueued = java.util.Collections.synchronizedList(new ArrayList<>());
        Map<UUID, AtomicInteger> cancelled = new ConcurrentHashMap<>();
        int enqueuers = 2;
        for (int e = 0; e < enqueuers; e++) {
            final int part = e;
            threads.execute(() -> {
                for (int i = part; i < plan.size(); i += enqueuers) {
                    enqueued.add(queue.enqueue(org, plan.get(i).id(), null).id());
                }
            });
        }
        if (cancels) {
            long cancelSeed = random.nextLong();
            threads.execute(() -> {
                // one in six runs gets a cancel, a few milliseconds after it was enqueued: queued, just started,
                // running or already finished (then the cancel is refused)
                Random r = new Random(cancelSeed);
                int next = 0;
                while (!stop.get() && next < RUNS) {
                    UUID id;
                    synchronized (enqueued) {
                        if (next >= enqueued.size()) {
                            id = null;
                        } else {
                            id = enqueued.get(next++);
                        }
                    }
                    if (id == null) {
                        sleep(1);
                        continue;
                    }
                    if (r.nextInt(6) == 0) {
                        sleep(r.nextInt(8));
                        try {
                            queue.cancel(org, id);
                            cancelled.computeIfAbsent(id, k -> new AtomicInteger()).incrementAndGet();
                        } catch (com.dataplatform.common.web.ApiException refused) {
                            // already finished (or finished meanwhile): nothing changed
                        }
                    }
                }
            });
        }
        try {
            // every run finished, and the dispatchers' steps reaped the last finishes (released their lock rows)
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500)).until(() ->
                    jdbc.sql("select count(*) from run where org = :o and status in ('SUCCEEDED', 'FAILED', 'CANCELLED')")
                            .param("o", org).query(Integer.class).single() == RUNS
                    && jdbc.sql("select count(*) from run_lock l join run r on r.id = l.run_id where r.org = :o")
                            .param("o", org).query(Integer.class).single() == 0
                    && jdbc.sql("select count(*) from run_active where org = :o")
                            .param("o", org).query(Integer.class).single() == 0);
        } finally {
            stop.set(true);
            threads.shutdown();
            threads.awaitTermination(30, TimeUnit.SECONDS);
        }

        System.out.printf("steps=%d avgStepMs=%.2f started=%d%n", STEPS.get(), STEP_NANOS.get() / 1e6 / Math.max(1, STEPS.get()), STARTED.get());
        List<Run> runs = jdbc.sql("""
                select id, seq, dataflow_id, start_order, finish_order, status from run where org = :o order by seq""")
                .param("o", org)
                .query((rs, i) -> new Run(rs.getObject(1, UUID.class), rs.getLong(2),
                        flowById.get(rs.getObject(3, UUID.class)), (Long) rs.getObject(4), (Long) rs.getObject(5),
                        rs.getString(6)))
                .list();
        assertThat(violations).as("seed " + seed).isEmpty();
        assertThat(runs).as("seed " + seed).hasSize(RUNS).allSatisfy(r -> {
            int byWorker = finishes.getOrDefault(r.id(), new AtomicInteger()).get();
            int byCancel = cancelled.getOrDefault(r.id(), new AtomicInteger()).get();
            // finished exactly once: by its worker or by a cancel, never both
            assertThat(byWorker + byCancel).as("seed %d: %s finished by worker %d, by cancel %d", seed, r.id(),
                    byWorker, byCancel).isEqualTo(1);
            assertThat(r.status()).isEqualTo(byWorker == 1 ? "SUCCEEDED" : "CANCELLED");
            assertThat(r.finish()).isNotNull();
            if (byWorker == 1) {
                assertThat(r.start()).isNotNull();
            }
            if (r.start() != null) {
                assertThat(r.finish()).isGreaterThan(r.start());
            }
        });
        if (!cancels) {
            assertThat(runs).allSatisfy(r -> assertThat(r.status()).isEqualTo("SUCCEEDED"));
        } else {
            System.out.printf("cancelled %d of %d runs, %d of them while running%n", cancelled.size(), RUNS,
                    runs.stream().filter(r -> r.status().equals("CANCELLED") && r.start() != null).count());
            assertThat(cancelled).as("seed %d: the canceller cancelled something", seed).isNotEmpty();
        }
        List<Run> started = runs.stream().filter(r -> r.start() != null).toList();
        for (int i = 0; i < started.size(); i++) {
            Run a = started.get(i);
            for (int j = i + 1; j < started.size(); j++) {
                Run b = started.get(j);
                if (a.flow().conflicts(b.flow())) {
                    // a was enqueued first (lower seq): it must have started, and finished, before b started.
                    assertThat(a.finish()).as("seed %d: %s (seq %d) and %s (seq %d) conflict", seed, a.id(), a.seq(),
                            b.id(), b.seq()).isLessThan(b.start());
                }
            }
        }
        TreeMap<Long, Run> events = new TreeMap<>();
        started.forEach(r -> {
            events.put(r.start(), r);
            events.put(r.finish(), r);
        });
        Map<String, Integer> byType = new HashMap<>();
        int total = 0;
        for (Map.Entry<Long, Run> e : events.entrySet()) {
            Run r = e.getValue();
            int delta = e.getKey().equals(r.start()) ? 1 : -1;
            total += delta;
            int n = byType.merge(r.flow().type(), delta, Integer::sum);
            assertThat(n).as("seed %d: type %s limit", seed, r.flow().type())
                    .isLessThanOrEqualTo(TYPE_LIMITS.get(r.flow().type()));
            assertThat(total).as("seed %d: global limit", seed).isLessThanOrEqualTo(GLOBAL_LIMIT);
        }
        assertThat(jdbc.sql("select count(*) from run_lock l join run r on r.id = l.run_id where r.org = :o")
                .param("o", org).query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from run where org = :o and status not in ('SUCCEEDED', 'CANCELLED')")
                .param("o", org).query(Integer.class).single()).isZero();
    }

    private void work(ClaimedRun run, Flow flow, Map<String, Map<UUID, String>> executing, List<String> violations,
            Map<UUID, AtomicInteger> finishes, int pauseMillis, boolean checkOverlap) {
        Map<String, String> locks = checkOverlap ? flow.locks() : Map.of();
        synchronized (executing) {
            for (Map.Entry<String, String> l : locks.entrySet()) {
                Map<UUID, String> holders = executing.computeIfAbsent(l.getKey(), k -> new HashMap<>());
                for (Map.Entry<UUID, String> h : holders.entrySet()) {
                    if (h.getValue().equals("X") || l.getValue().equals("X")) {
                        violations.add(run.id() + " started while " + h.getKey() + " held " + l.getKey());
                    }
                }
                holders.put(run.id(), l.getValue());
            }
        }
        sleep(pauseMillis);
        synchronized (executing) {
            locks.keySet().forEach(k -> executing.get(k).remove(run.id()));
        }
        if (finish(run)) {
            finishes.computeIfAbsent(run.id(), k -> new AtomicInteger()).incrementAndGet();
        }
    }

    private static void sleep(int millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
