package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves a run to a terminal status and releases its locks, in the caller's transaction. The status update is
 * conditional (and, for a worker, fenced by its token and an unexpired lease on the database clock), so locks are
 * released exactly once however many parties — worker, lease expiry, cancel — race to finish the same run.
 */
public class RunFinisher {

    private record Finished(String previous, String org, UUID dataflowId, int version, String type) {
    }

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
        Finished f = jdbc.sql("""
                with prev as (select id, status from run where id = :id for update)
                update run set status = :status, finished_at = clock_timestamp(), error = :error, lease_until = null,
                               finish_order = nextval('run_history_seq')
                from prev
                where run.id = prev.id and prev.status in ('QUEUED', 'RUNNING')
                  and (cast(:token as bigint) is null
                       or (prev.status = 'RUNNING' and run.fencing_token = :token and run.lease_until > clock_timestamp()))
                returning prev.status, run.org, run.dataflow_id, run.dataflow_version, run.type""")
                .param("id", runId).param("status", status.name()).param("error", error).param("token", fencingToken)
                .query((rs, i) -> new Finished(rs.getString(1), rs.getString(2), rs.getObject(3, UUID.class),
                        rs.getInt(4), rs.getString(5)))
                .optional().orElse(null);
        if (f == null) {
            return false;
        }
        jdbc.sql("""
                with released as (delete from run_lock where run_id = :id returning resource)
                insert into dispatch_signal (resource) select resource from released""")
                .param("id", runId).update();
        outbox.appendAll(List.of(new RunEvent(runId, f.dataflowId(), f.version(), f.type(), status, error).entry(f.org())));
        return true;
    }
}
