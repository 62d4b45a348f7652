package com.dataplatform.dataflow.scheduler.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Domain metrics: dispatch step latency, enqueue→start wait (histogram), runs started/finished by status, lease
 * expiries, and — refreshed from the database every {@link #refresh()} — queue depth by type, blocked runs and
 * running runs.
 */
public class DispatchMetrics {

    private final JdbcClient jdbc;
    private final MeterRegistry registry;
    private final Timer dispatchLatency;
    private final Timer waitTime;
    private final Counter leaseExpiries;
    private final ConcurrentHashMap<String, Counter> byStatus = new ConcurrentHashMap<>();
    private final MultiGauge queueDepth;
    private final AtomicLong blocked = new AtomicLong();
    private final AtomicLong running = new AtomicLong();
    private final java.util.Set<String> seenTypes = ConcurrentHashMap.newKeySet();

    public DispatchMetrics(JdbcClient jdbc, MeterRegistry registry) {
        this.jdbc = jdbc;
        this.registry = registry;
        this.dispatchLatency = Timer.builder("dataflow.dispatch.latency")
                .description("Duration of one dispatch step (claim transaction)").publishPercentileHistogram()
                .register(registry);
        this.waitTime = Timer.builder("dataflow.run.wait").description("Enqueue to start, on the database clock")
                .publishPercentileHistogram().register(registry);
        this.leaseExpiries = Counter.builder("dataflow.lease.expiries").description("Runs failed by lease expiry")
                .register(registry);
        this.queueDepth = MultiGauge.builder("dataflow.queue.depth").description("QUEUED runs by type")
                .register(registry);
        Gauge.builder("dataflow.runs.blocked", blocked, AtomicLong::get)
                .description("QUEUED runs not found ready (yet): waiting for a conflicting run, or not evaluated"
                        + " while no worker is free").register(registry);
        Gauge.builder("dataflow.runs.running", running, AtomicLong::get).description("RUNNING runs").register(registry);
        for (String status : new String[] {"QUEUED", "RUNNING", "SUCCEEDED", "FAILED", "CANCELLED"}) {
            counter(status); // every status exported at 0 from the start
        }
    }

    public void dispatchStep(Duration d) {
        dispatchLatency.record(d);
    }

    public void started(double waitSeconds) {
        waitTime.record(Duration.ofNanos((long) (waitSeconds * 1e9)));
        status("RUNNING");
    }

    public void status(String status) {
        counter(status).increment();
    }

    private Counter counter(String status) {
        return byStatus.computeIfAbsent(status, s -> Counter.builder("dataflow.runs").tag("status", s)
                .description("Runs entering a status, counted by this instance").register(registry));
    }

    public void leaseExpired(int n) {
        if (n > 0) {
            leaseExpiries.increment(n);
            for (int i = 0; i < n; i++) {
                status("FAILED");
            }
        }
    }

    /**
     * Reads queue depth by type, blocked and running runs. Every queued or running run has exactly one lock row on its
     * dataflow ({@code f:}), so the queue is counted from those (O(queue), not O(history)); ready runs are the ones in
     * {@code run_ready}.
     */
    public void refresh() {
        List<MultiGauge.Row<?>> rows = new java.util.ArrayList<>();
        java.util.Set<String> queued = new java.util.HashSet<>();
        long[] notReady = {0};
        jdbc.sql("""
                select q.type, count(*), count(*) filter (where not q.ready) from (
                  select r.type, exists (select 1 from run_ready rr
                                         where rr.org = r.org and rr.type = r.type and rr.seq = r.seq) as ready
                  from run_lock l join run r on r.id = l.run_id
                  where l.resource like 'f:%' and r.status = 'QUEUED') q
                group by q.type""")
                .query(rs -> {
                    queued.add(rs.getString(1));
                    rows.add(MultiGauge.Row.of(Tags.of("type", rs.getString(1)), rs.getLong(2)));
                    notReady[0] += rs.getLong(3);
                });
        seenTypes.addAll(queued);
        // every type a dataflow is defined with has a row (0 when nothing waits), so an idle queue reads 0, not "no data"
        seenTypes.addAll(jdbc.sql("select distinct type from dataflow").query(String.class).list());
        for (String type : seenTypes) {
            if (!queued.contains(type)) {
                rows.add(MultiGauge.Row.of(Tags.of("type", type), 0));
            }
        }
        queueDepth.register(rows, true);
        blocked.set(notReady[0]);
        // run_active also holds runs finished since the last dispatch step (not yet reaped)
        running.set(jdbc.sql("select count(*) from run_active a join run r on r.id = a.run_id where r.status = 'RUNNING'")
                .query(Long.class).single());
    }
}
