package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.web.ApiException;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Enqueues runs pinned to the dataflow's current version, with their lock set, and cancels them. Enqueue holds
 * the queue lock shared (see {@link DispatchLocks}) around taking its {@code seq}: the dispatcher finds new runs by
 * a cursor over {@code seq} (no wake-up row per run).
 */
public class RunQueue {

    /** What an enqueue returns. */
    public record Enqueued(UUID id, RunStatus status, int dataflowVersion, boolean created) {
    }

    /** One run to enqueue: the dataflow, and the caller's idempotency key (or null). */
    public record Request(UUID dataflowId, String idempotencyKey) {
    }

    private record Pinned(String type, int version, String[] reads, String[] writes) {
    }

    /** An enqueue's view of a dataflow (V14): its pinned version and its solo run (the one without an f: row). */
    private static final class FlowQueue {
        final Pinned pinned;
        final UUID soloBefore;
        UUID solo;

        FlowQueue(Pinned pinned, UUID solo) {
            this.pinned = pinned;
            this.soloBefore = solo;
            this.solo = solo;
        }
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final RunFinisher finisher;

    public RunQueue(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, RunFinisher finisher) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.finisher = finisher;
    }

    public Enqueued enqueue(String org, UUID dataflowId, String idempotencyKey) {
        return enqueueAll(org, List.of(new Request(dataflowId, idempotencyKey))).get(0);
    }

    /**
     * Enqueues runs, in the caller's transaction if there is one, each pinned to its dataflow's current version; the
     * results in request order. First the dataflows' rows, locked in id order ({@link UUID#compareTo}, not
     * PostgreSQL's uuid order; FOR NO KEY UPDATE, until commit: the enqueues of a dataflow serialize on it, and a
     * cancel or expiry of one of its runs share-locks it — see R__finish_run.sql), each one's current version read
     * after its lock; then the queue lock (shared), the run types, and the runs, their lock sets and RunQueued
     * events. Nothing waits on a run's row, so an enqueue holding the queue lock never waits for a worker's register
     * (which holds its run's row) and never holds up a dispatch step.
     */
    public List<Enqueued> enqueueAll(String org, List<Request> requests) {
        for (Request r : requests) {
            String key = r.idempotencyKey();
            if (key != null && (key.isEmpty() || key.length() > 200)) {
                throw ApiException.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
            }
        }
        return tx.execute(s -> {
            Enqueued[] out = new Enqueued[requests.size()];
            TreeSet<UUID> toLock = new TreeSet<>();
            for (int i = 0; i < requests.size(); i++) {
                Request r = requests.get(i);
                Optional<Enqueued> existing = r.idempotencyKey() == null ? Optional.empty()
                        : existing(org, r.dataflowId(), r.idempotencyKey());
                if (existing.isPresent()) {
                    out[i] = existing.get();
                } else {
                    toLock.add(r.dataflowId());
                }
            }
            Map<UUID, FlowQueue> flows = new TreeMap<>();
            for (UUID dataflowId : toLock) { // phase 1, in id order
                flows.put(dataflowId, lockFlow(org, dataflowId));
            }
            if (flows.isEmpty()) {
                return List.of(out);
            }
            DispatchLocks.lockQueueShared(jdbc); // phase 2
            // the run types first, sorted, in one statement: two enqueues adding the same new types cannot wait for
            // each other's uncommitted rows in opposite orders
            jdbc.sql("""
                    insert into run_type (org, type)
                    select :org, t from unnest(cast(:types as text[])) as t order by t on conflict do nothing""")
                    .param("org", org).param("types", flows.values().stream().map(q -> q.pinned.type()).distinct()
                            .sorted().toArray(String[]::new)).update();
            for (int i = 0; i < requests.size(); i++) {
                if (out[i] == null) {
                    Request r = requests.get(i);
                    out[i] = insert(org, r, flows.get(r.dataflowId()));
                }
            }
            flows.forEach((dataflowId, q) -> {
                if (!Objects.equals(q.solo, q.soloBefore)) {
                    jdbc.sql("update dataflow set solo_run = :solo where id = :id").param("solo", q.solo)
                            .param("id", dataflowId).update();
                }
            });
            return List.of(out);
        });
    }

    /** Phase 1 for one dataflow: its row locked, its current version and its solo run. */
    private FlowQueue lockFlow(String org, UUID dataflowId) {
        Optional<UUID> solo = jdbc.sql("select solo_run from dataflow where id = :id and org = :org for no key update")
                .param("id", dataflowId).param("org", org)
                .query((rs, i) -> Optional.ofNullable(rs.getObject(1, UUID.class))).optional()
                .orElseThrow(() -> ApiException.notFound("dataflow", dataflowId));
        // a statement of its own after the lock: it sees the version an update committed while we waited for it
        Pinned p = jdbc.sql("""
                select v.type, v.version, v.reads, v.writes from dataflow f
                join dataflow_version v on v.dataflow_id = f.id and v.version = f.current_version
                where f.id = :id""")
                .param("id", dataflowId)
                .query((rs, i) -> new Pinned(rs.getString(1), rs.getInt(2), (String[]) rs.getArray(3).getArray(),
                        (String[]) rs.getArray(4).getArray()))
                .single();
        return new FlowQueue(p, solo.orElse(null));
    }

    /** Phase 2 for one request: the run, its lock set (rule 2's row only behind another active run) and its event. */
    private Enqueued insert(String org, Request r, FlowQueue q) {
        Pinned p = q.pinned;
        UUID id = UUID.randomUUID();
        Long seq = jdbc.sql("""
                insert into run (id, seq, org, dataflow_id, dataflow_version, type, status, idempotency_key)
                values (:id, nextval('run_seq'), :org, :df, :v, :type, 'QUEUED', :key)
                on conflict (org, dataflow_id, idempotency_key) where idempotency_key is not null do nothing
                returning seq""")
                .param("id", id).param("org", org).param("df", r.dataflowId()).param("v", p.version())
                .param("type", p.type()).param("key", r.idempotencyKey()).query(Long.class).optional().orElse(null);
        if (seq == null) {
            return existing(org, r.dataflowId(), r.idempotencyKey()).orElseThrow();
        }
        String resource = Resources.dataflow(r.dataflowId());
        boolean queued = false;
        if (q.solo != null) {
            // The solo run, if still active, gets its row now, with its own seq: ahead of this run, behind nothing.
            // Under the queue lock no reaping step runs meanwhile; a worker's finish after this check leaves its
            // run_active row for the next step to reap (with this row); a cancel or expiry waits for our dataflow lock.
            queued = jdbc.sql("""
                    insert into run_lock (run_id, resource, mode, seq)
                    select id, :resource, 'X', seq from run where id = :solo and status in ('QUEUED', 'RUNNING')
                    on conflict do nothing
                    returning run_id""")
                    .param("solo", q.solo).param("resource", resource).query(UUID.class).optional().isPresent();
        }
        if (!queued) {
            // every active run but the solo one has a row: any row means this run queues behind it
            queued = jdbc.sql("select exists (select 1 from run_lock where resource = :resource)")
                    .param("resource", resource).query(Boolean.class).single();
        }
        q.solo = queued ? null : id;
        Map<String, String> locks = Resources.of(org, r.dataflowId(), new HashSet<>(Arrays.asList(p.reads())),
                new HashSet<>(Arrays.asList(p.writes())), queued);
        jdbc.sql("""
                insert into run_lock (run_id, resource, mode, seq)
                select :id, r, m, :seq from unnest(cast(:resources as text[]), cast(:modes as text[])) as x(r, m)""")
                .param("id", id).param("seq", seq).param("resources", locks.keySet().toArray(String[]::new))
                .param("modes", locks.values().toArray(String[]::new)).update();
        outbox.appendAll(List.of(new RunEvent(id, r.dataflowId(), p.version(), p.type(), RunStatus.QUEUED, null)
                .entry(org)));
        return new Enqueued(id, RunStatus.QUEUED, p.version(), true);
    }

    private Optional<Enqueued> existing(String org, UUID dataflowId, String key) {
        return jdbc.sql("""
                select id, status, dataflow_version from run
                where org = :org and dataflow_id = :df and idempotency_key = :key""")
                .param("org", org).param("df", dataflowId).param("key", key)
                .query((rs, i) -> new Enqueued(rs.getObject(1, UUID.class), RunStatus.valueOf(rs.getString(2)),
                        rs.getInt(3), false))
                .optional();
    }

    /** Cancels a QUEUED or RUNNING run (a running one loses its lease: its register will be rejected). */
    public RunStatus cancel(String org, UUID runId) {
        return tx.execute(s -> {
            RunStatus current = jdbc.sql("select status from run where id = :id and org = :org")
                    .param("id", runId).param("org", org).query(String.class).optional().map(RunStatus::valueOf)
                    .orElseThrow(() -> ApiException.notFound("run", runId));
            if (current.terminal()) {
                throw ApiException.conflict("status", "run " + runId + " is already " + current);
            }
            if (!finisher.finish(runId, null, RunStatus.CANCELLED, "cancelled by request")) {
                throw ApiException.conflict("status", "run " + runId + " finished meanwhile");
            }
            return RunStatus.CANCELLED;
        });
    }
}
