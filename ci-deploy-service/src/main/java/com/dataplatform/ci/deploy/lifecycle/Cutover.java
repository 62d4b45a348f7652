package com.dataplatform.ci.deploy.lifecycle;

import static com.dataplatform.common.lake.LakeNames.quote;

import com.dataplatform.ci.deploy.app.AppName;
import com.dataplatform.ci.deploy.outbox.Outbox;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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

    /** What the swap needs that does not change while it waits: computed before the transaction. */
    private record Prepared(Map<String, List<String>> freshColumns, Map<String, String> catalogColumns,
            Map<String, Long> rows, boolean readerRole) {
    }

    private Result swap(VersionRow target, List<String> tables, VersionStatus from, String eventType)
            throws StageFailure {
        AppName app = new AppName(target.app());
        String status = jdbc.sql("select status from app_version where app = :app and version = :v")
                .param("app", app.value()).param("v", target.version()).query(String.class).single();
        if (!from.name().equals(status)) {
            throw new StageFailure("version " + target.version() + " is " + status + ", not " + from);
        }
        Prepared prepared;
        try {
            prepared = prepare(app, target, tables);
        } catch (DataAccessException e) {
            throw new StageFailure("cannot read the tables of version " + target.version() + ": "
                    + e.getMostSpecificCause().getMessage());
        }
        long t0 = System.nanoTime();
        long deadline = t0 + budget.toNanos();
        int attempts = 0;
        while (true) {
            attempts++;
            try {
                Integer previous = tx.execute(s -> swapOnce(app, target, tables, from, eventType, prepared));
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

    /** The version's table columns and row counts (its tables no longer change), the live schema and its grant. */
    private Prepared prepare(AppName app, VersionRow target, List<String> tables) {
        Map<String, List<String>> fresh = new LinkedHashMap<>();
        Map<String, String> catalog = new LinkedHashMap<>();
        Map<String, Long> rows = new LinkedHashMap<>();
        for (String t : tables) {
            List<Map<String, Object>> cols = columnRows(target.schemaName(), t);
            fresh.put(t, cols.stream().map(c -> c.get("name") + " " + c.get("type")).toList());
            catalog.put(t, json.writeValueAsString(cols));
            rows.put(t, jdbc.sql("select count(*) from " + quote(target.schemaName()) + "." + quote(t))
                    .query(Long.class).single());
        }
        boolean readerRole = roleExists("lake_reader");
        String live = quote(app.liveSchema());
        tx.executeWithoutResult(s -> {
            jdbc.sql("create schema if not exists " + live).update();
            if (readerRole) {
                jdbc.sql("grant usage on schema " + live + " to lake_reader").update();
            }
        });
        return new Prepared(fresh, catalog, rows, readerRole);
    }

    private Integer swapOnce(AppName app, VersionRow target, List<String> tables, VersionStatus from,
            String eventType, Prepared prepared) {
        jdbc.sql("select set_config('lock_timeout', :t, true)").param("t", lockTimeout.toMillis() + "ms")
                .query().singleValue();
        Map<String, Object> state = jdbc.sql("""
                select v.status, (select l.version from app_version l where l.app = a.name and l.status = 'LIVE') as live
                from app a join app_version v on v.app = a.name
                where a.name = :app and v.version = :v for update of a""")
                .param("app", app.value()).param("v", target.version()).query().singleRow();
        if (!from.name().equals(state.get("status"))) {
            throw new StaleState("version " + target.version() + " is " + state.get("status") + ", not " + from);
        }
        Integer previous = (Integer) state.get("live");
        String live = app.liveSchema();
        Map<String, List<String>> old = liveViewColumns(live);
        for (String table : tables) {
            pointView(live, table, target.schemaName(), old.getOrDefault(table, List.of()),
                    prepared.freshColumns().get(table), prepared.readerRole());
        }
        for (String stale : old.keySet()) {
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
        register(app, target, tables, prepared);
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("app", app.value());
        event.put("version", target.version());
        event.put("previousVersion", previous);
        event.put("tables", tables);
        outbox.append(eventType, app.value(), target.org(), target.version(), event);
        return previous;
    }

    /** CREATE OR REPLACE when the new columns extend the old ones; else drop and create (grants re-applied). */
    private void pointView(String live, String table, String versionSchema, List<String> old, List<String> fresh,
            boolean readerRole) {
        String view = quote(live) + "." + quote(table);
        String body = "select * from " + quote(versionSchema) + "." + quote(table);
        if (!old.isEmpty() && fresh.size() >= old.size() && fresh.subList(0, old.size()).equals(old)) {
            // grants on the view survive CREATE OR REPLACE
            jdbc.sql("create or replace view " + view + " as " + body).update();
            return;
        }
        List<String> grantees = old.isEmpty() ? List.of() : jdbc.sql("""
                select distinct grantee from information_schema.role_table_grants
                where table_schema = :s and table_name = :t and privilege_type = 'SELECT'
                  and grantee <> current_user and grantee <> 'PUBLIC'""")
                .param("s", live).param("t", table).query(String.class).list();
        if (!old.isEmpty()) {
            jdbc.sql("drop view " + view).update();
        }
        jdbc.sql("create view " + view + " as " + body).update();
        for (String grantee : grantees) {
            jdbc.sql("grant select on " + view + " to " + quote(grantee)).update();
        }
        if (readerRole && !grantees.contains("lake_reader")) {
            jdbc.sql("grant select on " + view + " to lake_reader").update();
        }
    }

    /** Registers every output table in the lake catalog with one statement (only rows this app produces). */
    private void register(AppName app, VersionRow target, List<String> tables, Prepared prepared) {
        int n = tables.size();
        String[] names = new String[n];
        String[] relations = new String[n];
        String[] columns = new String[n];
        Long[] rows = new Long[n];
        for (int i = 0; i < n; i++) {
            String t = tables.get(i);
            names[i] = datasetName(app, t);
            relations[i] = quote(app.liveSchema()) + "." + quote(t);
            columns[i] = prepared.catalogColumns().get(t);
            rows[i] = prepared.rows().getOrDefault(t, 0L);
        }
        int updated = jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer, updated_at)
                select :org, x.name, 1, x.rows, cast(x.columns as jsonb), x.relation, :producer, now()
                from unnest(cast(:names as text[]), cast(:rows as bigint[]), cast(:columns as text[]),
                            cast(:relations as text[])) as x(name, rows, columns, relation)
                on conflict (org, name) do update set version = lake.datasets.version + 1,
                    row_count = excluded.row_count, columns = excluded.columns, relation = excluded.relation,
                    updated_at = now()
                where lake.datasets.producer = excluded.producer""")
                .param("org", target.org()).param("producer", PRODUCER_PREFIX + app).param("names", names)
                .param("rows", rows).param("columns", columns).param("relations", relations).update();
        if (updated < n) {
            log.warn("{}: {} of {} output tables not registered in the lake catalog (a dataset of that name "
                    + "belongs to another producer)", app, n - updated, n);
        }
    }

    /** The lake dataset name of an app's output table: {@code <app>__<table>} (hyphens as underscores). */
    public static String datasetName(AppName app, String table) {
        return app.sql() + "__" + table;
    }

    private List<Map<String, Object>> columnRows(String schema, String table) {
        return jdbc.sql("""
                select a.attname as name, format_type(a.atttypid, a.atttypmod) as type
                from pg_attribute a join pg_class c on c.oid = a.attrelid join pg_namespace n on n.oid = c.relnamespace
                where n.nspname = :s and c.relname = :t and a.attnum > 0 and not a.attisdropped order by a.attnum""")
                .param("s", schema).param("t", table).query().listOfRows();
    }

    /** Every view of the live schema with its columns ("name type", in order), in one query. */
    private Map<String, List<String>> liveViewColumns(String live) {
        Map<String, List<String>> out = new LinkedHashMap<>();
        jdbc.sql("""
                select c.relname, a.attname || ' ' || format_type(a.atttypid, a.atttypmod) as col
                from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
                where n.nspname = :s and c.relkind = 'v' order by c.relname, a.attnum""")
                .param("s", live).query((java.sql.ResultSet rs) -> {
                    out.computeIfAbsent(rs.getString(1), k -> new ArrayList<>()).add(rs.getString(2));
                });
        return out;
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
