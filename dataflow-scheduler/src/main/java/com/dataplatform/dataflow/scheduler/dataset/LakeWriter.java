package com.dataplatform.dataflow.scheduler.dataset;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes datasets the one way both uploads and runs do: rows go into a fresh table, which then replaces the
 * dataset's table, bumps its catalog version and appends {@code DatasetUpdated} to the outbox — all inside the
 * caller's transaction, so readers see the old or the new table, never a half-written one.
 */
public class LakeWriter {

    public static final String PRODUCER = "dataflow-scheduler";

    private final JdbcClient jdbc;
    private final Outbox outbox;

    public LakeWriter(JdbcClient jdbc, Outbox outbox) {
        this.jdbc = jdbc;
        this.outbox = outbox;
    }

    /** Creates {@code lake_<org>} if missing (serialized per org so concurrent first writes do not collide). */
    public void ensureSchema(String org) {
        String schema = LakeNames.schemaOf(org);
        jdbc.sql("select pg_advisory_xact_lock(hashtext('dataflow-scheduler:schema:' || :s))").param("s", schema)
                .query().singleValue();
        Integer exists = jdbc.sql("select count(*) from pg_namespace where nspname = :s").param("s", schema)
                .query(Integer.class).single();
        if (exists == 0) {
            jdbc.sql("create schema " + LakeNames.quote(schema)).update();
            Integer reader = jdbc.sql("select count(*) from pg_roles where rolname = :r")
                    .param("r", LakeNames.READER_ROLE).query(Integer.class).single();
            if (reader > 0) {
                jdbc.sql("grant usage on schema " + LakeNames.quote(schema) + " to " + LakeNames.READER_ROLE).update();
                jdbc.sql("alter default privileges in schema " + LakeNames.quote(schema) + " grant select on tables to "
                        + LakeNames.READER_ROLE).update();
            }
        }
    }

    /** A new, unused table name in the org's schema (short, so it never hits the 63-byte identifier limit). */
    public static String freshName() {
        byte[] b = new byte[8];
        ThreadLocalRandom.current().nextBytes(b);
        return "_w" + HexFormat.of().formatHex(b);
    }

    public static String qualified(String org, String table) {
        return LakeNames.quote(LakeNames.schemaOf(org)) + "." + LakeNames.quote(table);
    }

    /** Serializes writers of one dataset until the end of the transaction. */
    public void lockDataset(String org, String dataset) {
        jdbc.sql("select pg_advisory_xact_lock(hashtext('dataflow-scheduler:dataset:' || :o || '.' || :d))")
                .param("o", org).param("d", dataset).query().singleValue();
    }

    /**
     * Swaps {@code fresh} in as {@code dataset}, bumps the version and appends the event; a dataset another producer
     * registered is never replaced ({@link DatasetOwnedElsewhere}).
     */
    public DatasetInfo swapIn(String org, String dataset, String fresh) {
        LakeNames.requireDataset(dataset);
        lockDataset(org, dataset);
        String owner = jdbc.sql("select producer from lake.datasets where org = :org and name = :name for update")
                .param("org", org).param("name", dataset).query(String.class).optional().orElse(PRODUCER);
        if (!PRODUCER.equals(owner)) {
            throw new DatasetOwnedElsewhere(dataset, owner);
        }
        String target = LakeNames.qualifiedTable(org, dataset);
        jdbc.sql("drop table if exists " + target).update();
        jdbc.sql("alter table " + qualified(org, fresh) + " rename to " + LakeNames.quote(dataset)).update();
        long rows = jdbc.sql("select count(*) from " + target).query(Long.class).single();
        List<Column> columns = columnsOf(org, dataset);
        String columnsJson = toJson(columns);
        long version = jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer, updated_at)
                values (:org, :name, 1, :rows, cast(:columns as jsonb), :relation, :producer, now())
                on conflict (org, name) do update set version = lake.datasets.version + 1, row_count = excluded.row_count,
                    columns = excluded.columns, relation = excluded.relation, producer = excluded.producer,
                    updated_at = now()
                returning version""")
                .param("org", org).param("name", dataset).param("rows", rows).param("columns", columnsJson)
                .param("relation", target).param("producer", PRODUCER).query(Long.class).single();
        outbox.append(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", org + "." + dataset, org, dataset,
                new DatasetUpdated(dataset, version, rows));
        return new DatasetInfo(dataset, version, rows, columns);
    }

    public List<Column> columnsOf(String org, String table) {
        return jdbc.sql("""
                select column_name, data_type from information_schema.columns
                where table_schema = :schema and table_name = :table order by ordinal_position""")
                .param("schema", LakeNames.schemaOf(org)).param("table", table)
                .query((rs, i) -> new Column(rs.getString(1), ColumnType.fromPostgres(rs.getString(2)))).list();
    }

    private static String toJson(List<Column> columns) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            sb.append(i == 0 ? "" : ",").append("{\"name\":\"").append(c.name()).append("\",\"type\":\"")
                    .append(c.type().apiName()).append("\"}");
        }
        return sb.append(']').toString();
    }
}
