package com.dataplatform.dataflow.scheduler.dispatch;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Tenant-scoped reads of runs, their blockers and the lock table. */
public class RunReader {

    /** A dataset lock held by a running run. */
    public record HeldLock(String dataset, String mode, UUID runId, UUID dataflowId) {
    }

    private final JdbcClient jdbc;
    private final int defaultTypeLimit;

    public RunReader(JdbcClient jdbc, int defaultTypeLimit) {
        this.jdbc = jdbc;
        this.defaultTypeLimit = defaultTypeLimit;
    }

    private static final String SELECT = """
            select id, dataflow_id, dataflow_version, type, status, enqueued_at, started_at, finished_at, error,
                   exists (select 1 from run_ready rr where rr.org = run.org and rr.type = run.type and rr.seq = run.seq),
                   org from run""";

    public Optional<RunView> find(String org, UUID id) {
        return jdbc.sql(SELECT + " where id = :id and org = :org").param("id", id).param("org", org)
                .query(this::map).optional();
    }

    public List<RunView> list(String org, RunStatus status, UUID dataflowId, int limit) {
        return jdbc.sql(SELECT + " " + """
                 where org = :org and (cast(:status as text) is null or status = :status)
                 and (cast(:df as uuid) is null or dataflow_id = :df) order by seq desc limit :limit""")
                .param("org", org).param("status", status == null ? null : status.name())
                .param("df", dataflowId).param("limit", limit).query(this::map).list();
    }

    public List<HeldLock> locks(String org) {
        return jdbc.sql("""
                select l.resource, l.mode, l.run_id, r.dataflow_id
                from run_active a join run_lock l on l.run_id = a.run_id join run r on r.id = a.run_id
                where a.org = :org and r.status = 'RUNNING' and l.resource like 'd:%' order by l.resource, l.run_id""")
                .param("org", org)
                .query((rs, i) -> new HeldLock(Resources.datasetOf(rs.getString(1)),
                        rs.getString(2).equals("X") ? "exclusive" : "shared", rs.getObject(3, UUID.class),
                        rs.getObject(4, UUID.class)))
                .list();
    }

    private RunView map(ResultSet rs, int i) throws SQLException {
        UUID id = rs.getObject(1, UUID.class);
        RunStatus status = RunStatus.valueOf(rs.getString(5));
        List<RunView.Blocker> blockers = status == RunStatus.QUEUED
                ? blockers(id, rs.getBoolean(10), rs.getString(11), rs.getString(4)) : List.of();
        return new RunView(id, rs.getObject(2, UUID.class), rs.getInt(3), rs.getString(4), status,
                rs.getObject(6, OffsetDateTime.class), rs.getObject(7, OffsetDateTime.class),
                rs.getObject(8, OffsetDateTime.class), blockers, rs.getString(9));
    }

    private List<RunView.Blocker> blockers(UUID id, boolean ready, String org, String type) {
        List<RunView.Blocker> out = new ArrayList<>(jdbc.sql("""
                select o.run_id, mine.resource, r.status = 'RUNNING', o.mode, mine.mode
                from run_lock mine join run_lock o on o.resource = mine.resource and o.seq < mine.seq
                     and (mine.mode = 'X' or o.mode = 'X')
                join run r on r.id = o.run_id
                -- a run finished by its worker keeps its lock rows until the next dispatch step reaps it (ms)
                where mine.run_id = :id and r.status in ('QUEUED', 'RUNNING') order by o.seq limit 50""")
                .param("id", id)
                .query((rs, i) -> new RunView.Blocker(rs.getObject(1, UUID.class), Resources.datasetOf(rs.getString(2)),
                        reason(rs.getString(2), rs.getBoolean(3), rs.getString(4), rs.getString(5))))
                .list());
        if (out.isEmpty()) {
            // No conflicting run: it waits for capacity. A step evaluates only as many wake-ups as it can start, so a
            // run may not be marked ready yet while every worker is busy.
            out.add(new RunView.Blocker(null, null, ready
                    ? "type '" + type + "' is at its concurrency limit (or the global limit)"
                    : "waiting for capacity: a free worker, type '" + type + "' limit or the global limit"));
        }
        return out;
    }

    private static String reason(String resource, boolean running, String theirMode, String myMode) {
        String who = running ? "running" : "queued earlier";
        if (resource.startsWith("f:")) {
            return who + ": same dataflow (one run at a time, in enqueue order)";
        }
        String what = theirMode.equals("X") ? "writes" : "reads";
        String mine = myMode.equals("X") ? "this run writes it" : "this run reads it";
        return who + ", " + what + " the dataset; " + mine;
    }

    public int defaultTypeLimit() {
        return defaultTypeLimit;
    }
}
