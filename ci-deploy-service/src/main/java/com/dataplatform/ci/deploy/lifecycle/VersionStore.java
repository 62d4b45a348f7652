package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.outbox.Outbox;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The persisted state machine. Every transition is one transaction that checks the state it leaves
 * ({@code where status = :from}), closes the stage's timing row and opens the next one, and appends its event to
 * the outbox; a transition from a state the version is no longer in changes nothing and returns false.
 */
public class VersionStore {

    static final String COLUMNS = """
            v.app, a.org, v.version, v.status, v.bundle_sha256, v.content_hash, v.descriptor, v.schema_name,
            v.role_name, v.runtime, v.instance, v.tests::text as tests, v.failed_stage, v.failure, v.pid, v.pid_started_at,
            v.created_at, v.promoted_at, v.retired_at, v.schema_expires_at, v.schema_dropped_at""";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;

    private final String instance;

    public VersionStore(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, String instance) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.instance = instance;
    }

    /** This service instance's id, recorded on the versions whose pipeline it runs. */
    public String instance() {
        return instance;
    }

    /** Takes over a version's pipeline (recovery after a restart). */
    public void adopt(VersionRow row) {
        jdbc.sql("update app_version set instance = :i where app = :app and version = :v").param("i", instance)
                .param("app", row.app()).param("v", row.version()).update();
    }

    public Optional<VersionRow> find(String app, int version) {
        return jdbc.sql("select " + COLUMNS + " from app_version v join app a on a.name = v.app "
                + "where v.app = :app and v.version = :v").param("app", app).param("v", version)
                .query(VersionRow.class).optional();
    }

    public List<VersionRow> history(String app) {
        return jdbc.sql("select " + COLUMNS + " from app_version v join app a on a.name = v.app "
                + "where v.app = :app order by v.version desc").param("app", app).query(VersionRow.class).list();
    }

    public List<VersionRow> withStatus(VersionStatus... statuses) {
        return jdbc.sql("select " + COLUMNS + " from app_version v join app a on a.name = v.app "
                + "where v.status = any(:s) order by v.app, v.version")
                .param("s", java.util.Arrays.stream(statuses).map(Enum::name).toArray(String[]::new))
                .query(VersionRow.class).list();
    }

    /** Locks the app row: every state change of one app is serialized behind it. */
    public void lockApp(String app) {
        jdbc.sql("select name from app where name = :app for update").param("app", app).query(String.class).single();
    }

    /** Appends version N+1 in ASSEMBLING; fails on the one-in-flight index if a pipeline of the app is running. */
    public int insert(String app, String bundleSha, String descriptor, String runtime, String sqlName) {
        return tx.execute(s -> {
            lockApp(app);
            int version = jdbc.sql("select coalesce(max(version), 0) + 1 from app_version where app = :app")
                    .param("app", app).query(Integer.class).single();
            String schema = "app_" + sqlName + "_v" + version;
            jdbc.sql("""
                    insert into app_version (app, version, status, bundle_sha256, descriptor, schema_name, role_name,
                                             runtime, instance, request_id)
                    values (:app, :v, 'ASSEMBLING', :sha, :d, :schema, :schema, :runtime, :instance, :rid)""")
                    .param("app", app).param("v", version).param("sha", bundleSha).param("d", descriptor)
                    .param("schema", schema).param("runtime", runtime).param("instance", instance)
                    .param("rid", org.slf4j.MDC.get(com.dataplatform.common.web.RequestIdFilter.MDC_KEY)).update();
            jdbc.sql("insert into version_stage (app, version, stage) values (:app, :v, 'ASSEMBLING')")
                    .param("app", app).param("v", version).update();
            return version;
        });
    }

    /** Moves {@code from → to} with its timing rows and an optional event; false if the version left {@code from}. */
    public boolean advance(VersionRow row, VersionStatus from, VersionStatus to, String eventType, Object event) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            lockApp(row.app());
            int n = jdbc.sql("update app_version set status = :to where app = :app and version = :v and status = :from")
                    .param("to", to.name()).param("app", row.app()).param("v", row.version())
                    .param("from", from.name()).update();
            if (n == 0) {
                return false;
            }
            finishStage(row.app(), row.version(), from.name());
            startStage(row.app(), row.version(), to.name());
            if (eventType != null) {
                outbox.append(eventType, row.app(), row.org(), row.version(), event);
            }
            return true;
        }));
    }

    public void startStage(String app, int version, String stage) {
        jdbc.sql("""
                insert into version_stage (app, version, stage) values (:app, :v, :stage)
                on conflict (app, version, stage) do update set started_at = clock_timestamp(), finished_at = null""")
                .param("app", app).param("v", version).param("stage", stage).update();
    }

    public void finishStage(String app, int version, String stage) {
        jdbc.sql("""
                update version_stage set finished_at = clock_timestamp()
                where app = :app and version = :v and stage = :stage and finished_at is null""")
                .param("app", app).param("v", version).param("stage", stage).update();
    }

    public void contentHash(VersionRow row, String hash) {
        jdbc.sql("update app_version set content_hash = :h where app = :app and version = :v")
                .param("h", hash).param("app", row.app()).param("v", row.version()).update();
    }

    public void recordPid(VersionRow row, long pid, Instant startedAt) {
        jdbc.sql("update app_version set pid = :pid, pid_started_at = :at where app = :app and version = :v")
                .param("pid", pid).param("at", OffsetDateTime.ofInstant(startedAt, ZoneOffset.UTC))
                .param("app", row.app()).param("v", row.version()).update();
    }

    public void recordTests(VersionRow row, String testsJson) {
        jdbc.sql("update app_version set tests = cast(:t as jsonb) where app = :app and version = :v")
                .param("t", testsJson).param("app", row.app()).param("v", row.version()).update();
    }

    /**
     * Fails an in-flight version: FAILED with the stage and reason, its schema kept until now() + ttl, the stage's
     * timing row closed, and (for failed tests) a TestsFailed event. False if it was no longer in flight.
     */
    public boolean fail(VersionRow row, String stage, String reason, Duration schemaTtl, String eventType,
            Object event) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            lockApp(row.app());
            int n = jdbc.sql("""
                    update app_version set status = 'FAILED', failed_stage = :stage, failure = :reason,
                           schema_expires_at = now() + cast(:ttl as interval)
                    where app = :app and version = :v
                      and status in ('ASSEMBLING', 'DEPLOYING', 'RUNNING', 'TESTING')""")
                    .param("stage", stage).param("reason", truncate(reason, 4000))
                    .param("ttl", schemaTtl.toSeconds() + " seconds").param("app", row.app())
                    .param("v", row.version()).update();
            if (n == 0) {
                return false;
            }
            jdbc.sql("update version_stage set finished_at = clock_timestamp() where app = :app and version = :v "
                    + "and finished_at is null").param("app", row.app()).param("v", row.version()).update();
            if (eventType != null) {
                outbox.append(eventType, row.app(), row.org(), row.version(), event);
            }
            return true;
        }));
    }

    /** Tests passed: the event, TESTING's timing row closed and PROMOTING's opened (status stays TESTING). */
    public void passed(VersionRow row, Object event) {
        tx.executeWithoutResult(s -> {
            finishStage(row.app(), row.version(), "TESTING");
            startStage(row.app(), row.version(), "PROMOTING");
            outbox.append("TestsPassed", row.app(), row.org(), row.version(), event);
        });
    }

    public record StageTiming(String stage, OffsetDateTime startedAt, OffsetDateTime finishedAt, Long millis) {
    }

    public List<StageTiming> stages(String app, int version) {
        return jdbc.sql("""
                select stage, started_at, finished_at,
                       (extract(epoch from (finished_at - started_at)) * 1000)::bigint as millis
                from version_stage where app = :app and version = :v order by started_at""")
                .param("app", app).param("v", version).query(StageTiming.class).list();
    }

    static String truncate(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max) + "…";
    }
}
