package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One dispatch step, in one READ COMMITTED transaction that the database serializes (see {@link DispatchLocks}):
 * <ol>
 * <li>consume wake-ups: newly enqueued runs, and resources whose holder left (only the head group of a resource's
 * queue can have become free — an exclusive head, or the leading run of shared entries);</li>
 * <li>mark those candidates {@code ready} if no running run, and no earlier queued run, conflicts with them on
 * any resource (rules 2–4; one index probe per resource). Ready is monotonic until the run starts: later
 * enqueues cannot block it, and no conflicting run can start ahead of it;</li>
 * <li>start, in enqueue order, the earliest ready runs of every type below its limit, up to the global limit
 * (rule 1), taking their locks ({@code run_lock.running}) and a fencing token and lease on the database clock.</li>
 * </ol>
 * Work per step is bounded by the batch size and the number of types, not by the queue length.
 */
public class Dispatcher {

    /** What one step did. */
    public record Step(boolean claimed, int signals, int started, List<ClaimedRun> runs, boolean moreWork) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final String worker;
    private final Duration lease;
    private final int batch;
    private final int globalLimit;
    private final int defaultTypeLimit;

    public Dispatcher(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, String worker, Duration lease, int batch,
            int globalLimit, int defaultTypeLimit) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.worker = worker;
        this.lease = lease;
        this.batch = batch;
        this.globalLimit = globalLimit;
        this.defaultTypeLimit = defaultTypeLimit;
    }

    public String worker() {
        return worker;
    }

    /** Most entries of one resource's shared head group evaluated per step. */
    static final int HEAD_LIMIT = 64;

    public Step step() {
        return step(batch);
    }

    /** One step starting at most {@code maxStart} runs (e.g. the free worker threads of this instance). */
    public Step step(int maxStart) {
        return tx.execute(s -> {
            if (!DispatchLocks.tryClaim(jdbc)) {
                return new Step(false, 0, 0, List.of(), false);
            }
            DispatchLocks.lockQueueExclusive(jdbc);
            int signals = evaluateSignals();
            List<ClaimedRun> started = maxStart > 0 ? start(maxStart) : List.of();
            boolean more = signals >= batch || (maxStart > 0 && started.size() >= maxStart);
            return new Step(true, signals, started.size(), started, more);
        });
    }

    private record Signal(UUID runId, String resource, long afterSeq) {
    }

    private record Entry(UUID runId, String mode, long seq) {
    }

    private int evaluateSignals() {
        List<Signal> signals = jdbc.sql("""
                delete from dispatch_signal where id in (select id from dispatch_signal order by id limit :batch)
                returning run_id, resource, after_seq""")
                .param("batch", batch)
                .query((rs, i) -> new Signal(rs.getObject(1, UUID.class), rs.getString(2), rs.getLong(3))).list();
        if (signals.isEmpty()) {
            return 0;
        }
        Set<UUID> candidates = new LinkedHashSet<>();
        Map<String, Long> resources = new HashMap<>();
        for (Signal sig : signals) {
            if (sig.runId() != null) {
                candidates.add(sig.runId());
            } else {
                resources.merge(sig.resource(), sig.afterSeq(), Math::min);
            }
        }
        if (!resources.isEmpty()) {
            headGroups(resources, candidates);
        }
        if (!candidates.isEmpty()) {
            markReady(candidates);
        }
        return signals.size();
    }

    private record HeadEntry(String resource, UUID runId, String mode, long seq) {
    }

    /**
     * The queued entries of each resource that may have become startable: an X head, or the leading S entries —
     * one statement for all resources; a shared group longer than {@link #HEAD_LIMIT} continues in a later step.
     */
    private void headGroups(Map<String, Long> resources, Set<UUID> out) {
        String[] names = resources.keySet().toArray(String[]::new);
        Long[] after = new Long[names.length];
        for (int i = 0; i < names.length; i++) {
            after[i] = resources.get(names[i]);
        }
        List<HeadEntry> entries = jdbc.sql("""
                select s.resource, h.run_id, h.mode, h.seq
                from unnest(cast(:names as text[]), cast(:after as bigint[])) as s(resource, after_seq)
                cross join lateral (
                  select run_id, mode, seq from run_lock
                  where resource = s.resource and not running and seq > s.after_seq
                  order by seq limit :limit) h
                order by s.resource, h.seq""")
                .param("names", names).param("after", after).param("limit", HEAD_LIMIT + 1)
                .query((rs, i) -> new HeadEntry(rs.getString(1), rs.getObject(2, UUID.class), rs.getString(3),
                        rs.getLong(4)))
                .list();
        String current = null;
        int position = 0;
        boolean closed = false;
        List<String> continueAt = new ArrayList<>();
        List<Long> continueSeq = new ArrayList<>();
        HeadEntry previous = null;
        for (HeadEntry e : entries) {
            if (!e.resource().equals(current)) {
                current = e.resource();
                position = 0;
                closed = false;
            }
            if (!closed) {
                if (e.mode().equals("X")) {
                    if (position == 0) {
                        out.add(e.runId());
                    }
                    closed = true;
                } else if (position == HEAD_LIMIT) {
                    continueAt.add(e.resource());
                    continueSeq.add(previous.seq());
                    closed = true;
                } else {
                    out.add(e.runId());
                }
            }
            position++;
            previous = e;
        }
        if (!continueAt.isEmpty()) {
            jdbc.sql("""
                    insert into dispatch_signal (resource, after_seq)
                    select * from unnest(cast(:r as text[]), cast(:a as bigint[]))""")
                    .param("r", continueAt.toArray(String[]::new)).param("a", continueSeq.toArray(Long[]::new)).update();
        }
    }

    private void markReady(Set<UUID> candidates) {
        jdbc.sql("""
                update run set ready = true
                where id = any(cast(:ids as uuid[])) and status = 'QUEUED' and not ready
                  and not exists (
                    select 1 from run_lock mine
                    where mine.run_id = run.id and (
                      exists (select 1 from run_lock o where o.resource = mine.resource and o.seq < mine.seq
                              and o.mode = 'X')
                      or (mine.mode = 'X' and exists (select 1 from run_lock o where o.resource = mine.resource
                              and o.seq < mine.seq))
                      or exists (select 1 from run_lock o where o.resource = mine.resource and o.running
                              and o.run_id <> mine.run_id and (mine.mode = 'X' or o.mode = 'X'))))""")
                .param("ids", candidates.stream().map(UUID::toString).toArray(String[]::new)).update();
    }

    private List<ClaimedRun> start(int maxStart) {
        int running = jdbc.sql("select count(*) from run where status = 'RUNNING'").query(Integer.class).single();
        int globalFree = Math.min(Math.min(batch, maxStart), globalLimit - running);
        if (globalFree <= 0) {
            return List.of();
        }
        List<String> ids = jdbc.sql("""
                with t as (
                  select rt.org, rt.type, least(coalesce(tl.max_running, :def) - (
                           select count(*) from run x where x.org = rt.org and x.type = rt.type and x.status = 'RUNNING'),
                         :globalFree) as free
                  from run_type rt left join type_limit tl on tl.org = rt.org and tl.type = rt.type)
                select r.id::text from t
                cross join lateral (
                  select id, seq from run
                  where run.org = t.org and run.type = t.type and status = 'QUEUED' and ready
                  order by seq limit greatest(t.free, 0)) r
                where t.free > 0
                order by r.seq limit :globalFree""")
                .param("def", defaultTypeLimit).param("globalFree", globalFree).query(String.class).list();
        if (ids.isEmpty()) {
            return List.of();
        }
        String[] idArray = ids.toArray(String[]::new);
        List<ClaimedRun> started = jdbc.sql("""
                update run set status = 'RUNNING', started_at = clock_timestamp(), worker = :worker,
                               lease_until = clock_timestamp() + cast(:lease as interval),
                               fencing_token = nextval('fencing_token_seq'), start_order = nextval('run_history_seq')
                where id = any(cast(:ids as uuid[])) and status = 'QUEUED'
                returning id, org, dataflow_id, dataflow_version, type, fencing_token,
                          extract(epoch from started_at - enqueued_at)""")
                .param("worker", worker).param("lease", lease.toMillis() + " milliseconds").param("ids", idArray)
                .query((rs, i) -> new ClaimedRun(rs.getObject(1, UUID.class), rs.getString(2),
                        rs.getObject(3, UUID.class), rs.getInt(4), rs.getString(5), rs.getLong(6), rs.getDouble(7)))
                .list();
        jdbc.sql("update run_lock set running = true where run_id = any(cast(:ids as uuid[]))").param("ids", idArray)
                .update();
        List<com.dataplatform.dataflow.scheduler.outbox.Outbox.Entry> events = new ArrayList<>(started.size());
        for (ClaimedRun r : started) {
            events.add(new RunEvent(r.id(), r.dataflowId(), r.dataflowVersion(), r.type(), RunStatus.RUNNING, null)
                    .entry(r.org()));
        }
        outbox.appendAll(events);
        return started;
    }
}
