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
        // One call of finish_run (migration V11): the conditional status change — for the lease holder fenced by its
        // token and an unexpired lease —, the run leaves run_active/run_ready, its lock rows are deleted with one
        // wake-up naming them, and the event is appended. A racing finisher waits for the row lock and then re-checks
        // the condition against the committed row, so at most one of them matches.
        Boolean finished = jdbc.sql("""
                select finish_run(:id, cast(:token as bigint), :status, cast(:error as text), :topic, :eventType)""")
                .param("id", runId).param("status", status.name()).param("error", error).param("token", fencingToken)
                .param("topic", TopicCatalog.DATAFLOW_RUNS.name()).param("eventType", status.eventType())
                .query(Boolean.class).single();
        return Boolean.TRUE.equals(finished);
    }
}
