package com.dataplatform.dataflow.scheduler.dataset;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.web.ApiException;
import com.dataplatform.dataflow.scheduler.deploy.SourceRelations;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Dataset uploads and reads, tenant-scoped; the catalog (lake.datasets) is the source of truth for existence. */
public class DatasetStore {

    private final JdbcClient jdbc;
    private final JdbcTemplate jdbcTemplate;
    private final TransactionTemplate tx;
    private final LakeWriter writer;
    private final JsonMapper json;
    private final SourceRelations relations;

    public DatasetStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, LakeWriter writer,
            JsonMapper json) {
        this.jdbc = jdbc;
        this.jdbcTemplate = jdbcTemplate;
        this.tx = tx;
        this.writer = writer;
        this.json = json;
        this.relations = new SourceRelations(jdbc);
    }

    /** Creates or replaces the dataset with the upload's rows; nothing is stored if any row fails to load. */
    public DatasetInfo replace(String org, String name, CsvTable table) {
        if (!LakeNames.isDataset(name)) {
            throw ApiException.invalid("name", "dataset name must match [a-z][a-z0-9_]{0,62}");
        }
        try {
            return tx.execute(status -> {
                writer.ensureSchema(org);
                String fresh = LakeWriter.freshName();
                String qualified = LakeWriter.qualified(org, fresh);
                String ddl = table.columns().stream().map(c -> LakeNames.quote(c.name()) + " " + c.type().sql())
                        .collect(Collectors.joining(", "));
                jdbc.sql("create table " + qualified + " (" + ddl + ")").update();
                String cols = table.columns().stream().map(c -> LakeNames.quote(c.name()))
                        .collect(Collectors.joining(", "));
                String values = table.columns().stream().map(c -> "cast(? as " + c.type().sql() + ")")
                        .collect(Collectors.joining(", "));
                List<Object[]> batch = new ArrayList<>(table.rows().size());
                for (List<String> row : table.rows()) {
                    batch.add(row.toArray());
                }
                for (int from = 0; from < batch.size(); from += 1000) {
                    jdbcTemplate.batchUpdate("insert into " + qualified + " (" + cols + ") values (" + values + ")",
                            batch.subList(from, Math.min(batch.size(), from + 1000)));
                }
                return writer.swapIn(org, name, fresh);
            });
        } catch (DataAccessException e) {
            throw ApiException.invalid("body", "rows could not be stored: " + rootMessage(e));
        } catch (DatasetOwnedElsewhere e) {
            throw ApiException.conflict("name", e.getMessage());
        }
    }

    public Optional<DatasetInfo> find(String org, String name) {
        if (!LakeNames.isDataset(name)) {
            return Optional.empty();
        }
        return jdbc.sql("select name, version, row_count, columns::text from lake.datasets where org = :org and name = :name")
                .param("org", org).param("name", name)
                .query((rs, i) -> new DatasetInfo(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        parseColumns(rs.getString(4))))
                .optional();
    }

    public List<DatasetInfo> list(String org) {
        return jdbc.sql("select name, version, row_count, columns::text from lake.datasets where org = :org order by name")
                .param("org", org)
                .query((rs, i) -> new DatasetInfo(rs.getString(1), rs.getLong(2), rs.getLong(3),
                        parseColumns(rs.getString(4))))
                .list();
    }

    public List<Map<String, Object>> rows(String org, String name, int limit) {
        DatasetInfo info = find(org, name).orElseThrow(() -> ApiException.notFound("dataset", name));
        String relation;
        try {
            relation = relations.relationOf(org, info.name());
        } catch (IllegalStateException e) {
            throw ApiException.unprocessable("name", e.getMessage());
        }
        List<Map<String, Object>> rows = jdbc.sql("select * from " + relation + " limit :limit")
                .param("limit", limit).query().listOfRows();
        List<Map<String, Object>> out = new ArrayList<>(rows.size());
        for (Map<String, Object> row : rows) {
            Map<String, Object> m = new LinkedHashMap<>();
            row.forEach((k, v) -> m.put(k, v instanceof java.sql.Timestamp ts ? ts.toInstant().toString()
                    : v instanceof java.time.temporal.Temporal t ? t.toString() : v));
            out.add(m);
        }
        return out;
    }

    List<Column> parseColumns(String columnsJson) {
        List<Column> columns = new ArrayList<>();
        json.readTree(columnsJson).forEach(c -> columns.add(new Column(c.path("name").asString(),
                ColumnType.fromApi(c.path("type").asString()))));
        return columns;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }
}
