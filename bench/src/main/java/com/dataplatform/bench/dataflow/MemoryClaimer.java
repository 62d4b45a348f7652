package com.dataplatform.bench.dataflow;

import com.dataplatform.dataflow.scheduler.dispatch.ClaimedRun;
import com.dataplatform.dataflow.scheduler.dispatch.Dispatcher;
import java.sql.Array;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * A bound, not a dispatcher: what a claimer that decides rules 2–4 in memory would cost PostgreSQL. One claimer for the
 * whole benchmark JVM (its dispatcher loops call {@link #step} in turn), so it never has to learn what another instance
 * did — the part of such a design that has no argument yet. Per step, in one transaction: the claim's advisory lock,
 * one probe of its running runs for finishes (their locks are released in memory and their finish events appended as
 * one {@code run_event_batch} row), the next queued runs after its cursor with their version's datasets, the start of
 * the earliest ready runs (fenced lease, one batch row of RunStarted events) and the cursor update. Lock queues per
 * resource live in memory: an X entry is granted when it is first in its queue, an S entry when no X precedes it; a run
 * is ready when all its entries are granted. Cancels, expiries, type limits and enqueues while it runs are not handled
 * (the benchmark has none of them).
 */
final class MemoryClaimer {

    private static final class Entry {
        final long seq;
        final QueuedRun run;
        final boolean exclusive;
        boolean granted;

        Entry(long seq, QueuedRun run, boolean exclusive) {
            this.seq = seq;
            this.run = run;
            this.exclusive = exclusive;
        }
    }

    private static final class QueuedRun {
        final UUID id;
        final long seq;
        final List<String> resources = new ArrayList<>();
        int pending;

        QueuedRun(UUID id, long seq) {
            this.id = id;
            this.seq = seq;
        }
    }

    private static final class Queue {
        final TreeMap<Long, Entry> entries = new TreeMap<>();
        int exclusive;
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Map<String, Queue> queues = new HashMap<>();
    private final Map<UUID, QueuedRun> active = new HashMap<>();
    private final TreeMap<Long, QueuedRun> ready = new TreeMap<>();
    private final Set<UUID> running = new HashSet<>();
    private long cursor;

    MemoryClaimer(DataSource ds) {
        this.jdbc = JdbcClient.create(ds);
        this.tx = new TransactionTemplate(new JdbcTransactionManager(ds));
    }

    synchronized Dispatcher.Step step(String worker, int room) {
        return tx.execute(status -> {
            jdbc.sql("select pg_try_advisory_xact_lock(1684434039, 1)").query(Boolean.class).single();
            reap();
            int wanted = room;
            while (ready.size() < wanted) {
                if (readNew(Math.max(4 * wanted, 200)) == 0) {
                    break;
                }
            }
            List<UUID> picked = new ArrayList<>();
            while (picked.size() < wanted && !ready.isEmpty()) {
                picked.add(ready.pollFirstEntry().getValue().id);
            }
            List<ClaimedRun> runs = picked.isEmpty() ? List.of() : jdbc.sql("""
                    with started as (
                        update run set status = 'RUNNING', started_at = clock_timestamp(), worker = :worker,
                                       lease_until = clock_timestamp() + interval '60 seconds',
                                       fencing_token = nextval('fencing_token_seq'),
                                       start_order = nextval('run_history_seq')
                        where id = any(:ids) and status = 'QUEUED'
                        returning id, org, dataflow_id, dataflow_version, type, fencing_token, start_order),
                    events as (
                        insert into run_event_batch (kind, run_ids)
                        select 'started', array_agg(s.id order by s.start_order) from started s having count(*) > 0)
                    select id, org, dataflow_id, dataflow_version, type, fencing_token from started""")
                    .param("worker", worker).param("ids", picked.toArray(UUID[]::new))
                    .query((rs, i) -> new ClaimedRun(rs.getObject(1, UUID.class), rs.getString(2),
                            rs.getObject(3, UUID.class), rs.getInt(4), rs.getString(5), rs.getLong(6), 0))
                    .list();
            runs.forEach(r -> running.add(r.id()));
            jdbc.sql("update dispatch_cursor set last_seq = :c where one").param("c", cursor).update();
            return new Dispatcher.Step(true, 0, runs.size(), runs, runs.size() == room);
        });
    }

    /** Finishes of its running runs: released in memory, one batch row of finish events. */
    private void reap() {
        if (running.isEmpty()) {
            return;
        }
        List<UUID> finished = jdbc.sql("""
                select id from run where id = any(:ids) and status <> 'RUNNING' order by finish_order""")
                .param("ids", running.toArray(UUID[]::new)).query(UUID.class).list();
        if (finished.isEmpty()) {
            return;
        }
        jdbc.sql("insert into run_event_batch (kind, run_ids) values ('finished', :ids)")
                .param("ids", finished.toArray(UUID[]::new)).update();
        for (UUID id : finished) {
            running.remove(id);
            release(active.remove(id));
        }
    }

    /** The next queued runs after the cursor, with their datasets; returns how many it read. */
    private int readNew(int limit) {
        record Row(UUID id, long seq, UUID dataflowId, String[] reads, String[] writes) {
        }
        List<Row> rows = jdbc.sql("""
                select r.id, r.seq, r.dataflow_id, v.reads, v.writes
                from run r join dataflow_version v on v.dataflow_id = r.dataflow_id and v.version = r.dataflow_version
                where r.seq > :cursor order by r.seq limit :limit""")
                .param("cursor", cursor).param("limit", limit)
                .query((rs, i) -> new Row(rs.getObject(1, UUID.class), rs.getLong(2), rs.getObject(3, UUID.class),
                        strings(rs.getArray(4)), strings(rs.getArray(5))))
                .list();
        for (Row r : rows) {
            QueuedRun run = new QueuedRun(r.id(), r.seq());
            Set<String> writes = Set.of(r.writes());
            add(run, "f:" + r.dataflowId(), true);
            for (String w : writes) {
                add(run, "d:" + w, true);
            }
            for (String d : r.reads()) {
                if (!writes.contains(d)) {
                    add(run, "d:" + d, false);
                }
            }
            active.put(run.id, run);
            if (run.pending == 0) {
                ready.put(run.seq, run);
            }
            cursor = r.seq();
        }
        return rows.size();
    }

    private static String[] strings(Array a) throws java.sql.SQLException {
        return a == null ? new String[0] : (String[]) a.getArray();
    }

    private void add(QueuedRun run, String resource, boolean exclusive) {
        Queue q = queues.computeIfAbsent(resource, k -> new Queue());
        Entry e = new Entry(run.seq, run, exclusive);
        e.granted = exclusive ? q.entries.isEmpty() : q.exclusive == 0;
        if (exclusive) {
            q.exclusive++;
        }
        q.entries.put(run.seq, e);
        run.resources.add(resource);
        if (!e.granted) {
            run.pending++;
        }
    }

    private void release(QueuedRun run) {
        for (String resource : run.resources) {
            Queue q = queues.get(resource);
            Entry gone = q.entries.remove(run.seq);
            if (gone.exclusive) {
                q.exclusive--;
            }
            if (q.entries.isEmpty()) {
                queues.remove(resource);
                continue;
            }
            Entry first = q.entries.firstEntry().getValue();
            if (!gone.exclusive) {
                // after an S entry only an X entry that is now first can have become free
                if (first.exclusive) {
                    grant(first);
                }
                continue;
            }
            // a granted X entry was first: what follows it up to the next X was blocked by it (each entry is granted
            // once, so this walk is paid once per entry)
            for (Entry e : q.entries.values()) {
                if (e.exclusive) {
                    if (e == first) {
                        grant(e);
                    }
                    break;
                }
                grant(e);
            }
        }
    }

    private void grant(Entry e) {
        if (e.granted) {
            return;
        }
        e.granted = true;
        if (--e.run.pending == 0) {
            ready.put(e.run.seq, e.run);
        }
    }
}
