package com.dataplatform.bench.dataflow;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.dataflow.scheduler.dispatch.ClaimedRun;
import com.dataplatform.dataflow.scheduler.dispatch.Dispatcher;
import com.dataplatform.dataflow.scheduler.dispatch.RunFinisher;
import com.dataplatform.dataflow.scheduler.dispatch.RunStatus;
import com.github.kagkarlsson.scheduler.Scheduler;
import com.github.kagkarlsson.scheduler.task.helper.OneTimeTask;
import com.github.kagkarlsson.scheduler.task.helper.Tasks;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Draining a backlog of queued runs: dataflow-scheduler's dispatcher (conflict checks on, two dispatcher instances
 * of 20 no-op workers — or one of 40, {@code -Dbench.dataflow.instances=1} — that finish each run in its own fenced
 * transaction, polled like the baseline's lock-and-fetch:
 * up to 3 × threads claimed, a step every 10 ms or when that drops to 0.5 × threads) vs db-scheduler one-time tasks
 * (no conflict checks, 40 threads, the same limits and interval) on the same embedded PostgreSQL, both with a
 * HikariCP pool. Conflict density d: a run writes one of 100
 * hot datasets with probability d, else a private one; every run reads one shared dataset.
 * <p>
 * Also per size: the floor (the fenced lease alone: no rules, no events), and with
 * {@code -Dbench.dataflow.memory-bound=true} per scenario the bound of a claimer that decides rules 2–4 in memory
 * ({@link MemoryClaimer}). After every drain but the floor's, the history is checked: runs writing the same dataset
 * never overlapped and started in enqueue order.
 */
public class DataflowDispatchBenchmark implements Benchmark {

    private static final String OURS_SCHEMA = "bench_dataflow";
    private static final String BASELINE_SCHEMA = "bench_dbscheduler";
    private static final int POOL = 48;
    private static final int DB_SCHEDULER_THREADS = 40;
    /** -Dbench.dataflow.instances=1: one instance of 40 workers, the baseline's own topology (default: 2 × 20). */
    private static final int DISPATCHERS = Integer.getInteger("bench.dataflow.instances", 2);
    private static final int WORKERS_PER_DISPATCHER = DB_SCHEDULER_THREADS / DISPATCHERS;
    /** db-scheduler's lock-and-fetch limits (0.5 and 3.0 × threads) and polling interval, per dispatcher instance. */
    private static final int LOWER = WORKERS_PER_DISPATCHER / 2;
    private static final int UPPER = WORKERS_PER_DISPATCHER * 3;
    private static final Duration POLL = Duration.ofMillis(10);
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
            // warm-up of both sides, not measured: JIT of each side's code path, pool connections, the server's caches
            // (without it, whichever side ran first in the JVM paid for its compilation: the first scenario of ours
            // measured 0.39 ms of JVM CPU per run, the next one 0.15)
            int warm = ctx.smoke() ? 100 : 3_000;
            log("warm-up: db-scheduler " + baseline(base, warm) + "; ours " + ours(ours, warm, 0.3));
            for (int n : sizes) {
                Measured b = baseline(base, n);
                log(String.format("%,d queued: db-scheduler %s", n, b));
                Measured f = floor(ours, n);
                log(String.format("%,d queued: floor (fenced lease only: no rules, no events) %s", n, f));
                results.add(new Result(String.format("%,d queued, floor: fenced lease only (no rules, no events), %d × %d workers",
                        n, DISPATCHERS, WORKERS_PER_DISPATCHER), baselineName, b.throughput(), f.throughput(), "runs/s",
                        true));
                for (double d : densities) {
                    Measured o = ours(ours, n, d);
                    String scenario = String.format("%,d queued, %d%% conflicts, %d × %d workers", n,
                            Math.round(d * 100), DISPATCHERS, WORKERS_PER_DISPATCHER);
                    log(scenario + ": ours " + o);
                    results.add(new Result(scenario + ": runs started/s", baselineName, b.throughput(), o.throughput(),
                            "runs/s", true));
                    if (Boolean.getBoolean("bench.dataflow.memory-bound")) {
                        Measured m = drain(ours, n, d, Mode.MEMORY);
                        log(scenario + ": in-memory claimer bound " + m);
                        results.add(new Result(scenario + ": in-memory claimer bound (one claimer per JVM), runs/s",
                                baselineName, b.throughput(), m.throughput(), "runs/s", true));
                    }
                    results.add(new Result(scenario + ": enqueue→start p50", baselineName, b.p50(), o.p50(), "ms", false));
                    results.add(new Result(scenario + ": enqueue→start p99", baselineName, b.p99(), o.p99(), "ms", false));
                    if (o.serverCpuMs() > 0 && b.serverCpuMs() > 0) {
                        results.add(new Result(scenario + ": PostgreSQL CPU per run", baselineName, b.serverCpuMs(),
                                o.serverCpuMs(), "ms", false));
                    }
                    results.add(new Result(scenario + ": JVM CPU per run", baselineName, b.clientCpuMs(),
                            o.clientCpuMs(), "ms", false));
                }
            }
        }
        return results;
    }

    /** Throughput, enqueue→start percentiles, CPU per run of the server and of this JVM, load average. */
    record Measured(double throughput, double p50, double p99, double serverCpuMs, double clientCpuMs, String load) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "%.0f runs/s, p50/p99 %.0f/%.0f ms, CPU per run: PostgreSQL %.3f ms,"
                    + " JVM %.3f ms, load average %s", throughput, p50, p99, serverCpuMs, clientCpuMs, load);
        }
    }

    private static Measured measured(int n, double seconds, double p50, double p99, CpuMeter.Sample cpu,
            String loadBefore) {
        return new Measured(n / seconds, p50, p99, cpu.server() * 1000 / n, cpu.client() * 1000 / n,
                loadBefore + " → " + loadAverage());
    }

    /** The 1-minute load average (other builds and benchmarks on the machine). */
    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    private static void log(String line) {
        System.out.println("[dataflow-bench] " + line);
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
        return drain(ds, n, density, Mode.OURS);
    }

    /** Which dispatcher drains the backlog: ours, the floor, or the in-memory bound ({@link MemoryClaimer}). */
    enum Mode { OURS, FLOOR, MEMORY }

    /**
     * The floor: the fenced lease alone, what db-scheduler's lock-and-fetch does plus a fencing token — one claimer at
     * a time takes the next runs by the seq cursor and starts them under a lease, each worker finishes its run in one
     * fenced statement. No events, no type limit, no dataset or dataflow conflict check, no FIFO. Same schema,
     * backlog, pool, workers and polling as ours: ours ÷ floor is what the dispatch rules and the run events cost.
     */
    private Measured floor(HikariDataSource ds, int n) throws Exception {
        return drain(ds, n, 0, Mode.FLOOR);
    }

    private static final String FLOOR_STEP = """
            create or replace function floor_step(p_worker text, p_lease_ms bigint, p_max int,
                                                  out claimed boolean, out ids uuid[], out tokens bigint[])
            language plpgsql as $$
            declare
                v_cursor bigint;
                v_next bigint;
            begin
                claimed := pg_try_advisory_xact_lock(1684434039, 9);
                if not claimed then
                    return;
                end if;
                select last_seq into v_cursor from dispatch_cursor;
                select coalesce(max(p.seq), v_cursor), coalesce(array_agg(p.id), '{}') into v_next, ids
                from (select r.id, r.seq from run r where r.seq > v_cursor order by r.seq limit p_max) p;
                update dispatch_cursor set last_seq = v_next where one;
                with started as (
                    update run set status = 'RUNNING', started_at = clock_timestamp(), worker = p_worker,
                                   lease_until = clock_timestamp() + p_lease_ms * interval '1 millisecond',
                                   fencing_token = nextval('fencing_token_seq'), start_order = nextval('run_history_seq')
                    where run.id = any(ids) and run.status = 'QUEUED'
                    returning run.id, run.fencing_token, run.start_order)
                select coalesce(array_agg(s.id order by s.start_order), '{}'),
                       coalesce(array_agg(s.fencing_token order by s.start_order), '{}')
                into ids, tokens from started s;
            end;
            $$""";

    private static final String FLOOR_FINISH = """
            update run set status = 'SUCCEEDED', finished_at = clock_timestamp(), lease_until = null,
                           finish_order = nextval('run_history_seq')
            where id = :id and status = 'RUNNING' and fencing_token = :token and lease_until > clock_timestamp()""";

    private Measured drain(HikariDataSource ds, int n, double density, Mode mode) throws Exception {
        boolean floor = mode == Mode.FLOOR;
        JdbcClient jdbc = JdbcClient.create(ds);
        jdbc.sql("drop schema if exists " + OURS_SCHEMA + " cascade").update();
        jdbc.sql("create schema " + OURS_SCHEMA).update();
        for (String migration : List.of("V2__scheduler.sql", "V3__run_history_order.sql",
                "V4__running_counts_from_index.sql", "V5__signal_released_mode.sql",
                "V6__dispatch_step_function.sql", "V7__leaner_run_indexes.sql",
                "V8__held_locks_without_writes.sql", "V9__leaner_wakeups_and_indexes.sql",
                "V10__outbox_request_id.sql", "V11__hot_run_rows_and_seq_cursor.sql",
                "V12__run_fillfactor_for_hot_starts.sql", "V13__lease_holder_finish_reaped_by_step.sql",
                "V14__dataflow_lock_only_when_shared.sql", "V15__run_event_batches.sql", "R__dispatch_step.sql")) {
            // plain JDBC: the function body is not a named-parameter template
            new JdbcTemplate(ds).execute(migration(migration));
        }
        if (floor) {
            new JdbcTemplate(ds).execute(FLOOR_STEP);
        }
        loadBacklog(jdbc, n, density);
        MemoryClaimer memory = mode == Mode.MEMORY ? new MemoryClaimer(ds) : null;
        RunFinisher finisher = new RunFinisher(jdbc);
        AtomicInteger finished = new AtomicInteger();
        AtomicBoolean stop = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        List<ExecutorService> pools = new ArrayList<>();
        List<Thread> loops = new ArrayList<>();
        CpuMeter meter = new CpuMeter(jdbc);
        String load = loadAverage();
        CpuMeter.Sample cpu0 = meter.now();
        Instant t0 = Instant.now();
        for (int i = 0; i < DISPATCHERS; i++) {
            int instance = i;
            Dispatcher d = new Dispatcher(jdbc, "bench-" + i, Duration.ofSeconds(60), 500, 10_000, 10_000);
            ExecutorService workers = Executors.newFixedThreadPool(WORKERS_PER_DISPATCHER);
            pools.add(workers);
            // Polled like db-scheduler's lock-and-fetch (the baseline's settings): at most UPPER runs claimed and not
            // finished per instance; a step every POLL, or as soon as that count drops to LOWER while the last step
            // found more work.
            AtomicInteger inFlight = new AtomicInteger();
            AtomicBoolean moreInDatabase = new AtomicBoolean(true);
            Semaphore wake = new Semaphore(0);
            Thread loop = new Thread(() -> {
                while (!stop.get()) {
                    int room = UPPER - inFlight.get();
                    if (room > 0) {
                        try {
                            Dispatcher.Step step = switch (mode) {
                                case FLOOR -> floorStep(jdbc, "bench-" + instance, room);
                                case MEMORY -> memory.step("bench-" + instance, room);
                                case OURS -> d.step(room);
                            };
                            moreInDatabase.set(step.moreWork() || !step.claimed());
                            for (ClaimedRun r : step.runs()) {
                                inFlight.incrementAndGet();
                                workers.execute(() -> {
                                    // one fenced statement (autocommit): all a run with nothing to register needs
                                    if (mode != Mode.OURS) {
                                        jdbc.sql(FLOOR_FINISH).param("id", r.id()).param("token", r.fencingToken())
                                                .update();
                                    } else {
                                        finisher.finish(r.id(), r.fencingToken(), RunStatus.SUCCEEDED, null);
                                    }
                                    if (inFlight.decrementAndGet() == LOWER && moreInDatabase.get()) {
                                        wake.release();
                                    }
                                    if (finished.incrementAndGet() == n) {
                                        done.countDown();
                                    }
                                });
                            }
                            if (step.moreWork() && !step.runs().isEmpty() && inFlight.get() <= LOWER) {
                                continue;
                            }
                        } catch (RuntimeException e) {
                            // retried at the next poll
                        }
                    }
                    try {
                        wake.tryAcquire(POLL.toMillis(), TimeUnit.MILLISECONDS);
                        wake.drainPermits();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return;
                    }
                }
            }, "bench-dispatcher-" + i);
            loops.add(loop);
            loop.start();
        }
        boolean completed = done.await(30, TimeUnit.MINUTES);
        double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
        CpuMeter.Sample cpu = meter.now().minus(cpu0);
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
        if (mode != Mode.FLOOR) {
            // not timed: the drain kept rules 3 and 4 on every written dataset — runs writing it ran one at a time
            // and started in enqueue order
            int broken = jdbc.sql("""
                    select count(*) from (
                        select r.seq, r.start_order,
                               lag(r.finish_order) over w as prev_finish, lag(r.seq) over w as prev_seq
                        from run r join dataflow_version v on v.dataflow_id = r.dataflow_id
                        window w as (partition by v.writes[1] order by r.start_order)) x
                    where x.prev_finish > x.start_order or x.prev_seq > x.seq""").query(Integer.class).single();
            if (broken > 0) {
                throw new IllegalStateException(mode + ": " + broken + " runs overlapped or overtook a run writing"
                        + " the same dataset");
            }
        }
        double[] pct = jdbc.sql("""
                select percentile_cont(0.5) within group (order by extract(epoch from started_at - enqueued_at)),
                       percentile_cont(0.99) within group (order by extract(epoch from started_at - enqueued_at))
                from run""").query((rs, i) -> new double[] {rs.getDouble(1) * 1000, rs.getDouble(2) * 1000}).single();
        return measured(n, seconds, pct[0], pct[1], cpu, load);
    }

    private static Dispatcher.Step floorStep(JdbcClient jdbc, String worker, int room) {
        return jdbc.sql("select claimed, ids, tokens from floor_step(:worker, 60000, :max)")
                .param("worker", worker).param("max", room).query((rs, k) -> {
                    if (!rs.getBoolean("claimed")) {
                        return new Dispatcher.Step(false, 0, 0, List.of(), false);
                    }
                    Object[] ids = (Object[]) rs.getArray("ids").getArray();
                    Object[] tokens = (Object[]) rs.getArray("tokens").getArray();
                    List<ClaimedRun> runs = new ArrayList<>(ids.length);
                    for (int j = 0; j < ids.length; j++) {
                        runs.add(new ClaimedRun((UUID) ids[j], "bench", null, 1, "etl", (Long) tokens[j], 0));
                    }
                    return new Dispatcher.Step(true, 0, runs.size(), List.copyOf(runs), runs.size() == room);
                }).single();
    }

    /**
     * The state n enqueues leave behind (run and lock set each; the dispatcher finds them by its cursor over seq),
     * written in bulk; enqueued_at = now.
     */
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
        // each dataflow has one run: its solo run, without the dataflow's own lock row (what enqueue writes, V14)
        jdbc.sql("update dataflow f set solo_run = r.id from run r where r.dataflow_id = f.id").update();
        jdbc.sql("""
                insert into run_lock (run_id, resource, mode, seq)
                select r.id, 'd:bench.shared', 'S', r.seq from run r
                union all select r.id, 'd:bench.' || v.writes[1], 'X', r.seq
                from run r join dataflow_version v on v.dataflow_id = r.dataflow_id""").update();
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
        CpuMeter meter = new CpuMeter(jdbc);
        String load = loadAverage();
        CpuMeter.Sample cpu0 = meter.now();
        Instant t0 = Instant.now();
        scheduler.start();
        boolean completed = done.await(30, TimeUnit.MINUTES);
        double seconds = Duration.between(t0, Instant.now()).toNanos() / 1e9;
        CpuMeter.Sample cpu = meter.now().minus(cpu0);
        scheduler.stop();
        if (!completed) {
            throw new IllegalStateException("db-scheduler did not drain " + n + " tasks");
        }
        long[] sorted = waits.stream().mapToLong(Long::longValue).sorted().toArray();
        return measured(n, seconds, percentile(sorted, 0.5) / 1e6, percentile(sorted, 0.99) / 1e6, cpu, load);
    }

    private static double percentile(long[] sorted, double p) {
        if (sorted.length == 0) {
            return 0;
        }
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)];
    }

    static String settings() {
        return Arrays.toString(new int[] {POOL, DISPATCHERS, WORKERS_PER_DISPATCHER});
    }
}
