package com.dataplatform.analytics.embed;

import com.dataplatform.common.lake.LakeNames;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Writes real lake tables the way dataflow-scheduler does: schema {@code lake_<org>} readable by
 * {@code lake_reader}, one table per dataset, a row in {@code lake.datasets}.
 */
public final class LakeFixture {

    private final JdbcClient jdbc;

    public LakeFixture(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Creates (or replaces) {@code lake_<org>.<dataset>} with columns like {@code "region text"} and the rows. */
    public void table(String org, String dataset, List<String> columnDefs, List<List<Object>> rows) {
        String schema = LakeNames.quote(LakeNames.schemaOf(org));
        jdbc.sql("create schema if not exists " + schema).update();
        jdbc.sql("grant usage on schema " + schema + " to " + LakeNames.READER_ROLE).update();
        String table = LakeNames.qualifiedTable(org, dataset);
        jdbc.sql("drop table if exists " + table + " cascade").update();
        jdbc.sql("create table " + table + " (" + String.join(", ", columnDefs) + ")").update();
        jdbc.sql("grant select on " + table + " to " + LakeNames.READER_ROLE).update();
        insert(org, dataset, rows);
        catalog(org, dataset);
    }

    public void insert(String org, String dataset, List<List<Object>> rows) {
        String table = LakeNames.qualifiedTable(org, dataset);
        for (List<Object> row : rows) {
            String marks = String.join(", ", java.util.Collections.nCopies(row.size(), "?"));
            jdbc.sql("insert into " + table + " values (" + marks + ")").params(row).update();
        }
    }

    public void replaceRows(String org, String dataset, List<List<Object>> rows) {
        jdbc.sql("delete from " + LakeNames.qualifiedTable(org, dataset)).update();
        insert(org, dataset, rows);
    }

    /** Upserts the catalog row (bumping the version) as a producer would. */
    public void catalog(String org, String dataset) {
        jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                values (?, ?, 1, 0, '[]'::jsonb, ?, 'test')
                on conflict (org, name) do update set version = lake.datasets.version + 1, updated_at = now()""")
                .params(org, dataset, LakeNames.qualifiedTable(org, dataset)).update();
    }

    /** A view that sleeps before returning the table's rows: a slow dataset. */
    public void slowView(String org, String dataset, String of, double seconds) {
        String view = LakeNames.qualifiedTable(org, dataset);
        jdbc.sql("drop view if exists " + view).update();
        jdbc.sql("create view " + view + " as select t.* from " + LakeNames.qualifiedTable(org, of)
                + " t, (select pg_sleep(" + seconds + ")) s").update();
        jdbc.sql("grant select on " + view + " to " + LakeNames.READER_ROLE).update();
        catalog(org, dataset);
    }

    public void drop(String org, String dataset) {
        jdbc.sql("drop table if exists " + LakeNames.qualifiedTable(org, dataset) + " cascade").update();
    }
}
