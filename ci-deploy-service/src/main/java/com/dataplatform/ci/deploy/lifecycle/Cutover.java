package com.dataplatform.ci.deploy.lifecycle;

import static com.dataplatform.common.lake.LakeNames.quote;

import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.outbox.Outbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes a version: in ONE transaction, every live view {@code app_<name>.<table>} is (re)pointed at the version's
 * table, views of tables the version no longer writes are dropped, the old live row becomes RETIRED and the new one
 * LIVE (the partial unique index forbids two), the lake catalog rows are upserted and the event is appended.
 *
 * <p>Why readers never see a mix or an error: replacing a view takes its ACCESS EXCLUSIVE lock, held until commit;
 * a statement takes ACCESS SHARE on every view it reads while it is planned, so it runs entirely before the swap
 * (the swap waits) or entirely after it (it waits, then re-resolves the name to the committed definition). The swap
 * waits at most {@code lockTimeout} per lock (well below {@code deadlock_timeout}), so it is always the swap, never
 * a reader, that backs off when they contend; it then retries with jitter within {@code budget}.
 */
public class Cutover {

    private static final Logger log = LoggerFactory.getLogger(Cutover.class);
    private static final String PRODUCER_PREFIX = "ci-deploy-service:";

    /** What a cutover did. */
    public record Result(int version, Integer previous, long millis, int attempts) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Outbox outbox;
    private final JsonMapper json;
    private final Duration lockTimeout;
    private final Duration budget;

    public Cutover(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, JsonMapper json, Duration lockTimeout,
            Duration budget) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.outbox = outbox;
        this.json = json;
        this.lockTimeout = lockTimeout;
        this.budget = budget;
    }

    /** TESTING → LIVE for a candidate that passed its tests. */
    public Result promote(VersionRow candidate, List<String> tables) throws StageFailure {
        return swap(candidate, tables, VersionStatus.TESTING, "VersionPromoted");
    }

    /** RETIRED → LIVE for the version a rollback returns to. */
    public Result rollBackTo(VersionRow target, List<String> tables) throws StageFailure {
        return swap(target, tables, VersionStatus.RETIRED, "RolledBack");
    }

    private Result swap(VersionRow target, List<String> tables, VersionStatus from, String eventType)
            throws StageFailure {
        AppName app = new AppName(target.app());
        Map<String, Long> rows = rowCounts(target.schemaName(), tables);
        long t0 = System.nanoTime();
        long deadline = t0 + budget.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                Integer previous = tx.execute(s -> swapOnce(app, target, tables, from, eventType, rows));
                long ms = (System.nanoTime() - t0) / 1_000_000;
                return new Result(target.version(), previous, ms, attempts);
            } catch (StaleState e) {
                throw new StageFailure(e.getMessage());
            } catch (DataAccessException e) {
                String state = sqlState(e);
                boolean contended = "55P03".equals(state) || "40P01".equals(state) || "40001".equals(state);
                if (!contended || System.nanoTime() > deadline) {
                    throw new StageFailure("cutover failed after " + attempts + " attempt(s): "
                            + e.getMostSpecificCause().getMessage());
                }
                sleep(ThreadLocalRandom.current().nextLong(5, 40));
            }
        }
    }

    private Integer swapOnce(AppName app, VersionRow target, List<String> tables, VersionStatus from,
            String eventType, Map<String, Long> rows) {
        jdbc.sql("select set_config('lock_timeout', :t, true)").param("t", lockTimeout.toMillis() + "ms")
                .query().singleValue();
        jdbc.sql("select name from app where name = :app for update").param("app", app.value())
                .query(String.class).single();
        String status = jdbc.sql("select status from app_version where app = :app and version = :v")
                .param("app", app.value()).param("v", target.version()).query(String.class).single();
        if (!status.equals(from.name())) {
            throw new StaleState("version " + target.version() + " is " + status + ", not " + from);
        }
        Optional<Integer> previous = jdbc.sql("select version from app_version where app = :app and status = 'LIVE'")
                .param("app", app.value()).query(Integer.class).optional();
        String live = app.liveSchema();
        jdbc.sql("create schema if not exists " + quote(live)).update();
        boolean readerRole = roleExists("lake_reader");
        if (readerRole) {
            jdbc.sql("grant usage on schema " + quote(live) + " to lake_reader").update();
        }
        for (String table : tables) {
            pointView(live, table, target.schemaName(), readerRole);
        }
        for (String stale : liveViews(live)) {
            if (!tables.contains(stale)) {
                jdbc.sql("drop view " + quote(live) + "." + quote(stale)).update();
                jdbc.sql("delete from lake.datasets where org = :org and name = :name and producer = :p")
                        .param("org", target.org()).param("name", datasetName(app, stale))
                        .param("p", PRODUCER_PREFIX + app).update();
            }
        }
        jdbc.sql("""
                update app_version set status = 'RETIRED', retired_at = now()
                where app = :app and status = 'LIVE'""").param("app", app.value()).update();
        jdbc.sql("""
                update app_version set status = 'LIVE', promoted_at = now(), retired_at = null
                where app = :app and version = :v""").param("app", app.value()).param("v", target.version()).update();
        if (from == VersionStatus.TESTING) {
            jdbc.sql("update version_stage set finished_at = clock_timestamp() where app = :app and version = :v "
                    + "and finished_at is null").param("app", app.value()).param("v", target.version()).update();
        }
        for (String table : tables) {
            register(app, target, table, rows.getOrDefault(table, 0L));
        }
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("app", app.value());
        event.put("version", target.version());
        event.put("previousVersion", previous.orElse(null));
        event.put("tables", tables);
        outbox.append(eventType, app.value(), target.org(), target.version(), event);
        return previous.orElse(null);
    }

    /** CREATE OR REPLACE when the new columns extend the old ones; else drop and create (grants re-applied). */
    private void pointView(String live, String table, String versionSchema, boolean readerRole) {
        String view = quote(live) + "." + quote(table);
        String body = "select * from " + quote(versionSchema) + "." + quote(table);
        List<String> old = columns(live, table);
        List<String> fresh = columns(versionSchema, table);
        if (old.isEmpty() || (fresh.size() >= old.size() && fresh.subList(0, old.size()).equals(old))) {
            jdbc.sql("create or replace view " + view + " as " + body).update();
        } else {
            List<String> grantees = jdbc.sql("""
                    select distinct grantee from information_schema.role_table_grants
                    where table_schema = :s and table_name = :t and privilege_type = 'SELECT'
                      and grantee <> current_user and grantee <> 'PUBLIC'""")
                    .param("s", live).param("t", table).query(String.class).list();
            jdbc.sql("drop view " + view).update();
            jdbc.sql("create view " + view + " as " + body).update();
            for (String grantee : grantees) {
                jdbc.sql("grant select on " + view + " to " + quote(grantee)).update();
            }
        }
        if (readerRole) {
            jdbc.sql("grant select on " + view + " to lake_reader").update();
        }
    }

    private void register(AppName app, VersionRow target, String table, long rowCount) {
        String columns = json.writeValueAsString(jdbc.sql("""
                select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
                from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = :s and c.relname = :t and a.attnum > 0 and not a.attisdropped order by a.attnum""")
                .param("s", target.schemaName()).param("t", table).query().listOfRows());
        int n = jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer, updated_at)
                values (:org, :name, 1, :rows, cast(:columns as jsonb), :relation, :producer, now())
                on conflict (org, name) do update set version = lake.datasets.version + 1,
                    row_count = excluded.row_count, columns = excluded.columns, relation = excluded.relation,
                    updated_at = now()
                where lake.datasets.producer = excluded.producer""")
                .param("org", target.org()).param("name", datasetName(app, table)).param("rows", rowCount)
                .param("columns", columns).param("relation", quote(app.liveSchema()) + "." + quote(table))
                .param("producer", PRODUCER_PREFIX + app).update();
        if (n == 0) {
            log.warn("lake dataset {}.{} belongs to another producer; not registered", target.org(),
                    datasetName(app, table));
        }
    }

    /** The lake dataset name of an app's output table: {@code <app>__<table>} (hyphens as underscores). */
    public static String datasetName(AppName app, String table) {
        return app.sql() + "__" + table;
    }

    private Map<String, Long> rowCounts(String schema, List<String> tables) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (String t : tables) {
            out.put(t, jdbc.sql("select count(*) from " + quote(schema) + "." + quote(t)).query(Long.class).single());
        }
        return out;
    }

    private List<String> columns(String schema, String table) {
        return jdbc.sql("""
                select a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = :s and c.relname = :t and a.attnum > 0 and not a.attisdropped order by a.attnum""")
                .param("s", schema).param("t", table).query(String.class).list();
    }

    private List<String> liveViews(String live) {
        return new ArrayList<>(jdbc.sql("""
                select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = :s and c.relkind = 'v'""").param("s", live).query(String.class).list());
    }

    private boolean roleExists(String role) {
        return jdbc.sql("select exists (select 1 from pg_roles where rolname = :r)").param("r", role)
                .query(Boolean.class).single();
    }

    private static String sqlState(DataAccessException e) {
        Throwable t = e;
        while (t != null) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            t = t.getCause();
        }
        return null;
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted during cutover", e);
        }
    }

    /** The version moved on meanwhile (e.g. recovery failed it); nothing was changed. */
    static final class StaleState extends RuntimeException {
        StaleState(String message) {
            super(message);
        }
    }
}
