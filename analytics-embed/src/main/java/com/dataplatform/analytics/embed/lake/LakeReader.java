package com.dataplatform.analytics.embed.lake;

import com.dataplatform.common.lake.LakeNames;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Reads the lake through its own pool whose every connection runs as role {@code lake_reader} in read-only
 * transactions with a statement timeout (set when the connection is opened, so no caller can forget it). Even a
 * bug in query building could therefore neither write nor read what the reader role may not.
 */
public class LakeReader implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(LakeReader.class);

    private final HikariDataSource pool;
    private final JdbcClient jdbc;

    public LakeReader(String jdbcUrl, String username, String password, int poolSize, Duration statementTimeout) {
        HikariConfig c = new HikariConfig();
        c.setPoolName("lake-reader");
        c.setJdbcUrl(jdbcUrl);
        c.setUsername(username);
        c.setPassword(password);
        c.setMaximumPoolSize(poolSize);
        c.setMinimumIdle(Math.min(2, poolSize));
        c.setReadOnly(true);
        c.setAutoCommit(true);
        c.setConnectionInitSql("set role " + LakeNames.READER_ROLE
                + "; set session characteristics as transaction read only; set statement_timeout = "
                + statementTimeout.toMillis());
        this.pool = new HikariDataSource(c);
        this.jdbc = JdbcClient.create(pool);
        log.info("lake reader pool: {} connections as role {}, read-only, statement_timeout {} ms", poolSize,
                LakeNames.READER_ROLE, statementTimeout.toMillis());
    }

    /** The dataset's real columns, if it is in the catalog and its table is readable; else empty. */
    public Optional<Map<String, LakeColumn>> columns(String org, String dataset) {
        if (!LakeNames.isOrg(org) || !LakeNames.isDataset(dataset)) {
            return Optional.empty();
        }
        boolean catalogued = jdbc.sql("select count(*) from lake.datasets where org = ? and name = ?")
                .params(org, dataset).query(Integer.class).single() > 0;
        if (!catalogued) {
            return Optional.empty();
        }
        Map<String, LakeColumn> cols = new LinkedHashMap<>();
        jdbc.sql("""
                select column_name, data_type from information_schema.columns
                where table_schema = ? and table_name = ? order by ordinal_position""")
                .params(LakeNames.schemaOf(org), dataset)
                .query((rs, i) -> new LakeColumn(rs.getString(1), ColumnType.fromPostgres(rs.getString(2))))
                .list().stream()
                // a column whose name cannot be quoted safely is not offered (nor can metadata name it)
                .filter(col -> col.name().indexOf('"') < 0 && col.name().indexOf('\u0000') < 0)
                .forEach(col -> cols.put(col.name(), col));
        return cols.isEmpty() ? Optional.empty() : Optional.of(cols);
    }

    /** The role the pool's connections run as (health check). */
    String currentRole() {
        jdbc.sql("select count(*) from lake.datasets where false").query(Long.class).single();
        return jdbc.sql("select current_user").query(String.class).single();
    }

    boolean readOnly() {
        return "on".equals(jdbc.sql("show transaction_read_only").query(String.class).single());
    }

    public QueryResult run(SqlQuery query) {
        List<List<Object>> rows = jdbc.sql(query.sql()).params(query.params()).query((rs, i) -> row(rs)).list();
        return new QueryResult(query.columns(), rows);
    }

    private static List<Object> row(ResultSet rs) throws SQLException {
        int n = rs.getMetaData().getColumnCount();
        List<Object> row = new ArrayList<>(n);
        for (int i = 1; i <= n; i++) {
            row.add(jsonValue(rs.getObject(i)));
        }
        return row;
    }

    static Object jsonValue(Object v) {
        if (v == null || v instanceof String || v instanceof Boolean || v instanceof Long
                || v instanceof java.math.BigDecimal || v instanceof Double) {
            return v;
        }
        if (v instanceof Integer || v instanceof Short) {
            return ((Number) v).longValue();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof Timestamp t) {
            return t.toInstant().toString();
        }
        if (v instanceof OffsetDateTime t) {
            return t.toInstant().toString();
        }
        return v.toString();
    }

    @Override
    public void destroy() {
        pool.close();
    }
}
