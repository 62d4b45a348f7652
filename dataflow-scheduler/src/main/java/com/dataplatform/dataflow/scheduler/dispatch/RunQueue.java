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

    private record Pinned(String type, int version, String[] reads, String[] writes) {
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
            Pinned p = jdbc.sql("""
                    select v.type, v.version, v.reads, v.writes from dataflow f
                    join dataflow_version v on v.dataflow_id = f.id and v.version = f.current_version
                    where f.id = :id and f.org = :org""")
                    .param("id", dataflowId).param("org", org)
                    .query((rs, i) -> new Pinned(rs.getString(1), rs.getInt(2), (String[]) rs.getArray(3).getArray(),
                            (String[]) rs.getArray(4).getArray()))
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
            Map<String, String> locks = Resources.of(org, dataflowId, new HashSet<>(Arrays.asList(p.reads())),
                    new HashSet<>(Arrays.asList(p.writes())));
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
