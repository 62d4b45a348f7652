package com.dataplatform.dataflow.scheduler.dataset;

import com.fasterxml.jackson.annotation.JsonValue;

/** The lake's column types and their PostgreSQL spelling. */
public enum ColumnType {
    BIGINT("bigint", "bigint"), NUMERIC("numeric", "numeric"), BOOLEAN("boolean", "boolean"),
    TIMESTAMP("timestamp", "timestamptz"), TEXT("text", "text");

    private final String apiName;
    private final String sql;

    ColumnType(String apiName, String sql) {
        this.apiName = apiName;
        this.sql = sql;
    }

    @JsonValue
    public String apiName() {
        return apiName;
    }

    public String sql() {
        return sql;
    }

    public boolean numeric() {
        return this == BIGINT || this == NUMERIC;
    }

    /** A catalog column type: a lake type name, or (as ci-deploy registers them) a PostgreSQL {@code format_type}. */
    public static ColumnType fromApi(String name) {
        for (ColumnType t : values()) {
            if (t.apiName.equals(name)) {
                return t;
            }
        }
        return name == null ? TEXT : fromPostgres(name.replaceAll("\\([^)]*\\)", ""));
    }

    /** Maps information_schema.columns.data_type to a lake type. */
    public static ColumnType fromPostgres(String dataType) {
        return switch (dataType) {
            case "bigint", "integer", "smallint" -> BIGINT;
            case "numeric", "double precision", "real" -> NUMERIC;
            case "boolean" -> BOOLEAN;
            case "timestamp with time zone", "timestamp without time zone", "date" -> TIMESTAMP;
            default -> TEXT;
        };
    }
}
