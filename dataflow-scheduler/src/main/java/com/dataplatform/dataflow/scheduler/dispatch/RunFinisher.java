package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.topics.TopicCatalog;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Moves a run to a terminal status, in the caller's transaction. The status update is conditional (and, for a worker,
 * fenced by its token and an unexpired lease on the database clock), so a run is finished exactly once however many
 * parties — worker, lease expiry, cancel — race to finish it. A cancel or an expiry releases the run's locks in the
 * same transaction; a worker's finish leaves that to the next dispatch step (see {@link Dispatcher}), which releases
 * them before it starts anything.
 */
public class RunFinisher {

    private final JdbcClient jdbc;

    public RunFinisher(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * @param fencingToken the worker's token, or null for a decision not made by the lease holder (cancel, expiry)
     * @return whether this call finished the run (false: already finished, or the token is stale)
     */
    public boolean finish(UUID runId, Long fencingToken, RunStatus status, String error) {
        if (fencingToken != null) {
            // The lease holder (migration V13): only the status change, fenced by its token and an unexpired lease on
            // the database clock — a HOT update of one row. The next dispatch step reaps the run: deletes its
            // run_active and lock rows, wakes what they blocked and appends the finish event, for every run finished
            // since the previous step at once.
            return jdbc.sql("""
                    update run set status = :status, finished_at = clock_timestamp(), error = :error,
                                   lease_until = null, finish_order = nextval('run_history_seq')
                    where id = :id and status = 'RUNNING' and fencing_token = :token
                      and lease_until > clock_timestamp()""")
                    .param("id", runId).param("status", status.name()).param("error", error)
                    .param("token", fencingToken).update() == 1;
        }
        // Cancel or expiry: one call of finish_run (migration V13), all of it in the caller's transaction — the
        // conditional status change, the run leaves run_active/run_ready, its lock rows are deleted with one wake-up
        // naming them, and the event is appended. A racing finisher waits for the row lock and then re-checks the
        // condition against the committed row, so at most one of them matches.
        Boolean finished = jdbc.sql("""
                select finish_run(:id, cast(null as bigint), :status, cast(:error as text), :topic, :eventType)""")
                .param("id", runId).param("status", status.name()).param("error", error)
                .param("topic", TopicCatalog.DATAFLOW_RUNS.name()).param("eventType", status.eventType())
                .query(Boolean.class).single();
        return Boolean.TRUE.equals(finished);
    }
}
