package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.web.ApiException;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

    private record Pinned(String type, int version, String[] reads, String[] writes, UUID soloRun) {
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
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 200)) {
            throw ApiException.invalid("Idempotency-Key", "Idempotency-Key must be 1 to 200 characters");
        }
        return tx.execute(s -> {
            if (idempotencyKey != null) {
                Optional<Enqueued> existing = existing(org, dataflowId, idempotencyKey);
                if (existing.isPresent()) {
                    return existing.get();
                }
            }
            // the dataflow's row lock serializes its enqueues (they keep its solo run, V14)
            Pinned p = jdbc.sql("""
                    select v.type, v.version, v.reads, v.writes, f.solo_run from dataflow f
                    join dataflow_version v on v.dataflow_id = f.id and v.version = f.current_version
                    where f.id = :id and f.org = :org for no key update of f""")
                    .param("id", dataflowId).param("org", org)
                    .query((rs, i) -> new Pinned(rs.getString(1), rs.getInt(2), (String[]) rs.getArray(3).getArray(),
                            (String[]) rs.getArray(4).getArray(), rs.getObject(5, UUID.class)))
                    .optional().orElseThrow(() -> ApiException.notFound("dataflow", dataflowId));
            DispatchLocks.lockQueueShared(jdbc);
            UUID id = UUID.randomUUID();
            Long seq = jdbc.sql("""
                    insert into run (id, seq, org, dataflow_id, dataflow_version, type, status, idempotency_key)
                    values (:id, nextval('run_seq'), :org, :df, :v, :type, 'QUEUED', :key)
                    on conflict (org, dataflow_id, idempotency_key) where idempotency_key is not null do nothing
                    returning seq""")
                    .param("id", id).param("org", org).param("df", dataflowId).param("v", p.version())
                    .param("type", p.type()).param("key", idempotencyKey).query(Long.class).optional().orElse(null);
            if (seq == null) {
                return existing(org, dataflowId, idempotencyKey).orElseThrow();
            }
            boolean queued = dataflowQueue(dataflowId, p.soloRun(), id);
            Map<String, String> locks = Resources.of(org, dataflowId, new HashSet<>(Arrays.asList(p.reads())),
                    new HashSet<>(Arrays.asList(p.writes())), queued);
            jdbc.sql("""
                    insert into run_lock (run_id, resource, mode, seq)
                    select :id, r, m, :seq from unnest(cast(:resources as text[]), cast(:modes as text[])) as x(r, m)""")
                    .param("id", id).param("seq", seq).param("resources", locks.keySet().toArray(String[]::new))
                    .param("modes", locks.values().toArray(String[]::new)).update();
            jdbc.sql("insert into run_type (org, type) values (:org, :type) on conflict do nothing")
                    .param("org", org).param("type", p.type()).update();
            outbox.appendAll(List.of(new RunEvent(id, dataflowId, p.version(), p.type(), RunStatus.QUEUED, null)
                    .entry(org)));
            return new Enqueued(id, RunStatus.QUEUED, p.version(), true);
        });
    }

    /**
     * Whether the new run takes rule 2's {@code f:} lock row: only when its dataflow has another active run (V14).
     * Called with the dataflow's row locked and the queue lock held. If the dataflow's solo run (the one active run
     * enqueued without an {@code f:} row) is still active, it gets its row now, with its own seq — its run row is
     * share-locked first, so a concurrent cancel or finish of it either waits for this transaction (and then releases
     * the new row too) or has committed (and it is no longer active). Otherwise every active run has an {@code f:} row,
     * so any row on the resource means the new run must queue behind it, and none means the new run is alone.
     */
    private boolean dataflowQueue(UUID dataflowId, UUID soloRun, UUID newRun) {
        String resource = Resources.dataflow(dataflowId);
        boolean queued = false;
        if (soloRun != null) {
            queued = jdbc.sql("""
                    with solo as (
                        select id, seq from run where id = :solo and status in ('QUEUED', 'RUNNING') for share)
                    insert into run_lock (run_id, resource, mode, seq)
                    select id, :resource, 'X', seq from solo
                    on conflict do nothing
                    returning run_id""")
                    .param("solo", soloRun).param("resource", resource).query(UUID.class).optional().isPresent();
        }
        if (!queued) {
            queued = jdbc.sql("select exists (select 1 from run_lock where resource = :resource)")
                    .param("resource", resource).query(Boolean.class).single();
        }
        UUID solo = queued ? null : newRun;
        if (!java.util.Objects.equals(solo, soloRun)) {
            jdbc.sql("update dataflow set solo_run = :solo where id = :id").param("solo", solo).param("id", dataflowId)
                    .update();
        }
        return queued;
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
