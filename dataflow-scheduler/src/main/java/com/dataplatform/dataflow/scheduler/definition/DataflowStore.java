package com.dataplatform.dataflow.scheduler.definition;

import com.dataplatform.common.web.ApiException;
import com.dataplatform.dataflow.scheduler.dataset.Column;
import com.dataplatform.dataflow.scheduler.dataset.DatasetStore;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Creates and versions dataflows (tenant-scoped); a version is never changed once stored. */
public class DataflowStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final DatasetStore datasets;
    private final JsonMapper json;

    public DataflowStore(JdbcClient jdbc, TransactionTemplate tx, DatasetStore datasets, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.datasets = datasets;
        this.json = json;
    }

    public DataflowVersion create(String org, JsonNode body) {
        DataflowDefinition d = validated(org, body);
        UUID id = UUID.randomUUID();
        try {
            tx.executeWithoutResult(s -> {
                jdbc.sql("insert into dataflow (id, org, name, type, current_version) values (:id, :org, :name, :type, 1)")
                        .param("id", id).param("org", org).param("name", d.name()).param("type", d.type()).update();
                insertVersion(id, 1, d, body);
            });
        } catch (DuplicateKeyException e) {
            throw ApiException.conflict("name", "a dataflow named '" + d.name() + "' already exists");
        }
        return version(org, id, 1).orElseThrow();
    }

    public DataflowVersion update(String org, UUID id, JsonNode body) {
        DataflowDefinition d = validated(org, body);
        Integer next = tx.execute(s -> {
            Integer current = jdbc.sql("select current_version from dataflow where id = :id and org = :org for update")
                    .param("id", id).param("org", org).query(Integer.class).optional()
                    .orElseThrow(() -> ApiException.notFound("dataflow", id));
            int v = current + 1;
            try {
                jdbc.sql("update dataflow set current_version = :v, name = :name, type = :type, updated_at = now() where id = :id")
                        .param("v", v).param("name", d.name()).param("type", d.type()).param("id", id).update();
            } catch (DuplicateKeyException e) {
                throw ApiException.conflict("name", "a dataflow named '" + d.name() + "' already exists");
            }
            insertVersion(id, v, d, body);
            return v;
        });
        return version(org, id, next).orElseThrow();
    }

    private DataflowDefinition validated(String org, JsonNode body) {
        DataflowDefinition d = DefinitionParser.parse(body);
        DefinitionValidator.validate(d, name -> datasets.find(org, name)
                .map(info -> info.columns().stream().map(Column::name).toList()));
        return d;
    }

    private void insertVersion(UUID id, int version, DataflowDefinition d, JsonNode body) {
        jdbc.sql("""
                insert into dataflow_version (dataflow_id, version, type, definition, reads, writes)
                values (:id, :v, :type, cast(:def as jsonb), :reads, :writes)""")
                .param("id", id).param("v", version).param("type", d.type())
                .param("def", json.writeValueAsString(body.path("nodes")))
                .param("reads", d.reads().toArray(String[]::new)).param("writes", d.writes().toArray(String[]::new))
                .update();
    }

    public Optional<DataflowVersion> current(String org, UUID id) {
        return jdbc.sql(SELECT + " where f.id = :id and f.org = :org and v.version = f.current_version")
                .param("id", id).param("org", org).query(this::map).optional();
    }

    public Optional<DataflowVersion> version(String org, UUID id, int version) {
        return jdbc.sql(SELECT + " where f.id = :id and f.org = :org and v.version = :v")
                .param("id", id).param("org", org).param("v", version).query(this::map).optional();
    }

    public List<DataflowVersion> versions(String org, UUID id) {
        return jdbc.sql(SELECT + " where f.id = :id and f.org = :org order by v.version")
                .param("id", id).param("org", org).query(this::map).list();
    }

    public List<DataflowVersion> list(String org) {
        return jdbc.sql(SELECT + " where f.org = :org and v.version = f.current_version order by f.name")
                .param("org", org).query(this::map).list();
    }

    private static final String SELECT = """
            select f.id, f.name, v.type, v.version, v.reads, v.writes, v.definition::text, v.created_at
            from dataflow f join dataflow_version v on v.dataflow_id = f.id""";

    private DataflowVersion map(ResultSet rs, int i) throws SQLException {
        return new DataflowVersion(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3), rs.getInt(4),
                strings(rs.getArray(5)), strings(rs.getArray(6)), json.readTree(rs.getString(7)),
                rs.getObject(8, OffsetDateTime.class));
    }

    private static List<String> strings(Array a) throws SQLException {
        return Arrays.asList((String[]) a.getArray());
    }
}
