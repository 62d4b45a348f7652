package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves a run to a terminal status and releases its locks, in the caller's transaction. The status update is
 * conditional (and, for a worker, fenced by its token and an unexpired lease on the database clock), so locks are
 * released exactly once however many parties — worker, lease expiry, cancel — race to finish the same run.
 */
public class RunFinisher {

    private final JdbcClient jdbc;
    private final Outbox outbox;

    public RunFinisher(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /**
     * @param fencingToken the worker's token, or null for a decision not made by the lease holder (cancel, expiry)
     * @return whether this call finished the run (false: already finished, or the token is stale)
     */
    public boolean finish(UUID runId, Long fencingToken, RunStatus status, String error) {
        // One statement: the conditional status change, the lock release with one wake-up naming the released
        // resources, and the event. A racing finisher waits for the row lock and then re-checks the condition against
        // the committed row, so at most one of them matches.
        int finished = jdbc.sql("""
                with upd as (
                  update run set status = :status, finished_at = clock_timestamp(), error = :error, lease_until = null,
                                 finish_order = nextval('run_history_seq')
                  where id = :id and status in ('QUEUED', 'RUNNING')
                    and (cast(:token as bigint) is null
                         or (status = 'RUNNING' and fencing_token = :token and lease_until > clock_timestamp()))
                  returning id, org, dataflow_id, dataflow_version, type),
                released as (delete from run_lock where run_id in (select id from upd) returning resource, mode),
                signals as (insert into dispatch_signal (resources, modes)
                            select array_agg(resource), array_agg(cast(mode as text)) from released having count(*) > 0),
                event as (
                  insert into outbox (event_id, topic, type, key, tenant, subject, payload)
                  select gen_random_uuid(), :topic, :eventType, id::text, org, dataflow_id::text,
                         jsonb_build_object('runId', id, 'dataflowId', dataflow_id, 'dataflowVersion', dataflow_version,
                                            'type', type, 'status', cast(:status as text), 'error', cast(:error as text))
                  from upd)
                select count(*) from upd""")
                .param("id", runId).param("status", status.name()).param("error", error).param("token", fencingToken)
                .param("topic", TopicCatalog.DATAFLOW_RUNS.name()).param("eventType", status.eventType())
                .query(Integer.class).single();
        return finished == 1;
    }
}
