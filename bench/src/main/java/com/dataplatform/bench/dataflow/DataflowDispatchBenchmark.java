package com.dataplatform.bench.dataflow;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.dataflow.scheduler.dispatch.ClaimedRun;
import com.dataplatform.dataflow.scheduler.dispatch.Dispatcher;
import com.dataplatform.dataflow.scheduler.dispatch.RunFinisher;
import com.dataplatform.dataflow.scheduler.dispatch.RunStatus;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Draining a backlog of queued runs: dataflow-scheduler's dispatcher (conflict checks on, two dispatcher instances,
 * no-op workers that finish each run in its own fenced transaction) vs db-scheduler one-time tasks (no conflict
 * checks) on the same embedded PostgreSQL, both with a HikariCP pool. Conflict density d: a run writes one of 100
 * hot datasets with probability d, else a private one; every run reads one shared dataset.
 */
public class DataflowDispatchBenchmark implements Benchmark {

    private static final String OURS_SCHEMA = "bench_dataflow";
    private static final String BASELINE_SCHEMA = "bench_dbscheduler";
    private static final int POOL = 48;
    private static final int DB_SCHEDULER_THREADS = 40;
    private static final int DISPATCHERS = 2;
    private static final int WORKERS_PER_DISPATCHER = 20;
    private static final int HOT = 100;

    @Override
    public String name() {
        return "dataflow-scheduler: dispatch with dataset conflict control vs db-scheduler";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        // -Dbench.dataflow.sizes=10000 / -Dbench.dataflow.densities=0,0.9 narrow a full run
        int[] sizes = ctx.smoke() ? new int[] {300}
                : Arrays.stream(System.getProperty("bench.dataflow.sizes", "1000,10000,100000").split(","))
                        .mapToInt(s -> Integer.parseInt(s.trim())).toArray();
        double[] densities = Arrays.stream(System.getProperty("bench.dataflow.densities", "0,0.3,0.9").split(","))
                .mapToDouble(s -> Double.parseDouble(s.trim())).toArray();
        String baselineName = "db-scheduler 16.12.0 (lock-and-fetch, " + DB_SCHEDULER_THREADS
                + " threads, 10 ms polling, HikariCP " + POOL + ")";
        List<Result> results = new ArrayList<>();
        try (HikariDataSource ours = pool(ctx, OURS_SCHEMA); HikariDataSource base = pool(ctx, BASELINE_SCHEMA)) {
            for (int n : sizes) {
                Measured b = baseline(base, n);
                for (double d : densities) {
                    Measured o = ours(ours, n, d);
                    String scenario = String.format("%,d queued, %d%% conflicts", n, Math.round(d * 100));
                    results.add(new Result(scenario + ": runs started/s", baselineName, b.throughput(), o.throughput(),
                            "runs/s", true));
                    results.add(new Result(scenario + ": enqueue→start p50", baselineName, b.p50(), o.p50(), "ms", false));
                    results.add(new Result(scenario + ": enqueue→start p99", baselineName, b.p99(), o.p99(), "ms", false));
                }
            }
        }
        return results;
    }

    record Measured(double throughput, double p50, double p99) {
    }

    private static HikariDataSource pool(BenchContext ctx, String schema) {
        var pg = ctx.postgres();
        JdbcClient admin = JdbcClient.create(ctx.dataSource());
        admin.sql("drop schema if exists " + schema + " cascade").update();
        admin.sql("create schema " + schema).update();
        HikariConfig c = new HikariConfig();
        c.setJdbcUrl(pg.jdbcUrl());
        c.setUsername(pg.username());
        c.setPassword(pg.password());
        c.setMaximumPoolSize(POOL);
        c.setSchema(schema);
        return new HikariDataSource(c);
    }

    // ---------------------------------------------------------------- ours

    private Measured ours(HikariDataSource ds, int n, double density) throws Exception {
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("drop schema if exists " + OURS_SCHEMA + " cascade").update();
        jdbc.sql("create schema " + OURS_SCHEMA).update();
        for (String migration : List.of("V2__scheduler.sql", "V3__run_history_order.sql",
                "V4__running_counts_from_index.sql", "V5__signal_released_mode.sql",
                "V6__dispatch_step_function.sql", "V7__leaner_run_indexes.sql",
                "V8__held_locks_without_writes.sql", "V9__leaner_wakeups_and_indexes.sql")) {
            // plain JDBC: the function body is not a named-parameter template
            new JdbcTemplate(ds).execute(migration(migration));
        }
        loadBacklog(jdbc, n, density);
        Outbox outbox = new Outbox(jdbc, JsonMapper.builder().build());
        RunFinisher finisher = new RunFinisher(jdbc, outbox);
        AtomicInteger finished = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        List<ExecutorService> pools = new ArrayList<>();
        List<Thread> loops = new ArrayList<>();
        Instant t0 = Instant.now();
        for (int i = 0; i < DISPATCHERS; i++) {
            Dispatcher d = new Dispatcher(jdbc, "bench-" + i, Duration.ofSeconds(60), 500, 10_000, 10_000);
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS_PER_DISPATCHER);
            pools.add(workers);
            AtomicInteger free = new AtomicInteger(WORKERS_PER_DISPATCHER * 4);
            Thread loop = new Thread(() -> {
                while (!stop.get()) {
                    if (free.get() <= 0) {
                        // no worker free: a step could start nothing (db-scheduler's lock-and-fetch likewise
                        // fetches only when its executor has room)
                        sleepMillis(1);
                        continue;
                    }
                    Dispatcher.Step step;
                    try {
                        step = d.step(free.get());
                    } catch (RuntimeException e) {
                        continue;
                    }
                    for (ClaimedRun r : step.runs()) {
                        free.decrementAndGet();
                        workers.execute(() -> {
                            // one fenced statement (autocommit): all a run with nothing to register needs
                            finisher.finish(r.id(), r.fencingToken(), RunStatus.SUCCEEDED, null);
                            free.incrementAndGet();
                            if (finished.incrementAndGet() == n) {
                                done.countDown();
                            }
                        });
                    }
                    if (!step.moreWork() && step.runs().isEmpty()) {
                        sleepMillis(step.claimed() ? 2 : 1);
                    }
                }
            }, "bench-dispatcher-" + i);
            loops.add(loop);
            loop.start();
        }
        boolean completed = done.await(30, TimeUnit.MINUTES);
        double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
        stop.set(true);
        for (Thread t : loops) {
            t.join();
        }
        for (ExecutorService p : pools) {
            p.shutdown();
            p.awaitTermination(1, TimeUnit.MINUTES);
        }
        if (!completed) {
            throw new IllegalStateException("dispatch did not drain " + n + " runs");
        }
        double[] pct = jdbc.sql("""
                select percentile_cont(0.5) within group (order by extract(epoch from started_at - enqueued_at)),
                       percentile_cont(0.99) within group (order by extract(epoch from started_at - enqueued_at))
                from run""").query((rs, i) -> new double[] {rs.getDouble(1) * 1000, rs.getDouble(2) * 1000}).single();
        return new Measured(n / seconds, pct[0], pct[1]);
    }

    /** The state n enqueues leave behind (run, lock set, wake-up each), written in bulk; enqueued_at = now. */
    private static void loadBacklog(JdbcClient jdbc, int n, double density) {
        jdbc.sql("""
                insert into dataflow (id, org, name, type, current_version)
                select ('00000000-0000-0000-0000-' || lpad(to_hex(i), 12, '0'))::uuid, 'bench', 'f' || i, 'etl', 1
                from generate_series(1, :n) i""").param("n", n).update();
        jdbc.sql("""
                insert into dataflow_version (dataflow_id, version, type, definition, reads, writes)
                select id, 1, 'etl', '[]', array['shared'],
                       array[case when random() < :d then 'h' || (floor(random() * :hot))::int else 'p' || name end]
                from dataflow""").param("d", density).param("hot", HOT).update();
        jdbc.sql("insert into run_type (org, type) values ('bench', 'etl')").update();
        jdbc.sql("""
                insert into run (id, seq, org, dataflow_id, dataflow_version, type, status, enqueued_at)
                select gen_random_uuid(), nextval('run_seq'), 'bench', f.id, 1, 'etl', 'QUEUED', clock_timestamp()
                from dataflow f order by f.name""").update();
        jdbc.sql("""
                insert into run_lock (run_id, resource, mode, seq)
                select r.id, 'f:' || r.dataflow_id, 'X', r.seq from run r
                union all select r.id, 'd:bench.shared', 'S', r.seq from run r
                union all select r.id, 'd:bench.' || v.writes[1], 'X', r.seq
                from run r join dataflow_version v on v.dataflow_id = r.dataflow_id""").update();
        jdbc.sql("insert into dispatch_signal (run_id) select id from run order by seq").update();
        jdbc.sql("analyze").update();
    }

    private static String migration(String name) throws IOException {
        Enumeration<URL> urls = DataflowDispatchBenchmark.class.getClassLoader().getResources("db/dataflow_scheduler/migration/" + name);
        for (URL url : Collections.list(urls)) {
            if (url.toString().contains("dataflow-scheduler")) {
                try (InputStream in = url.openStream()) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        throw new IllegalStateException("migration " + name + " of dataflow-scheduler not on the classpath");
    }

    // ---------------------------------------------------------------- baseline

    private Measured baseline(HikariDataSource ds, int n) throws Exception {
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("drop table if exists scheduled_tasks").update();
        jdbc.sql("""
                create table scheduled_tasks (
                  task_name text not null, task_instance text not null, task_data bytea,
                  execution_time timestamptz not null, picked boolean not null, picked_by text,
                  last_success timestamptz, last_failure timestamptz, consecutive_failures int,
                  last_heartbeat timestamptz, version bigint not null, priority smallint,
                  primary key (task_name, task_instance))""").update();
        jdbc.sql("create index execution_time_idx on scheduled_tasks (execution_time)").update();
        jdbc.sql("create index last_heartbeat_idx on scheduled_tasks (last_heartbeat)").update();
        jdbc.sql("create index priority_execution_time_idx on scheduled_tasks (priority desc, execution_time asc)").update();
        jdbc.sql("""
                insert into scheduled_tasks (task_name, task_instance, execution_time, picked, version, priority)
                select 'bench-run', 'run-' || i, clock_timestamp(), false, 1, 0 from generate_series(1, :n) i""")
                .param("n", n).update();
        jdbc.sql("analyze scheduled_tasks").update();
        ConcurrentLinkedQueue<Long> waits = new ConcurrentLinkedQueue<>();
        CountDownLatch done = new CountDownLatch(n);
        OneTimeTask<Void> task = Tasks.oneTime("bench-run").execute((inst, c) -> {
            waits.add(Duration.between(c.getExecution().executionTime, Instant.now()).toNanos());
            done.countDown();
        });
        Scheduler scheduler = Scheduler.create(ds, task).threads(DB_SCHEDULER_THREADS)
                .pollingInterval(Duration.ofMillis(10)).pollUsingLockAndFetch(0.5, 3.0)
                .shutdownMaxWait(Duration.ofSeconds(5)).build();
        Instant t0 = Instant.now();
        scheduler.start();
        boolean completed = done.await(30, TimeUnit.MINUTES);
        double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
        scheduler.stop();
        if (!completed) {
            throw new IllegalStateException("db-scheduler did not drain " + n + " tasks");
        }
        long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        return new Measured(n / seconds, percentile(sorted, 0.5) / 1e6, percentile(sorted, 0.99) / 1e6);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    private static void sleepMillis(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String settings() {
        return Arrays.toString(new int[] {POOL, DISPATCHERS, WORKERS_PER_DISPATCHER});
    }
}
