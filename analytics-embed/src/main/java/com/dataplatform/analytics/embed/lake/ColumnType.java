package com.dataplatform.analytics.embed.lake;

/** The lake's column types (as dataflow-scheduler writes them) and the PostgreSQL type a bound value is cast to. */
public enum ColumnType {
    BIGINT("bigint"), NUMERIC("numeric"), BOOLEAN("boolean"), TIMESTAMP("timestamptz"), TEXT("text");

    private final String castTarget;

    ColumnType(String castTarget) {
        this.castTarget = castTarget;
    }

    /** A fixed SQL type name, never user input. */
    public String castTarget() {
        return castTarget;
    }

    public boolean numeric() {
        return this == BIGINT || this == NUMERIC;
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

    /** Whether {@code text} is a literal of this type (checked before it is ever bound). */
    public boolean accepts(String text) {
        if (text == null) {
            return false;
        }
        try {
            switch (this) {
                case BIGINT -> Long.parseLong(text.trim());
                case NUMERIC -> new java.math.BigDecimal(text.trim());
                case BOOLEAN -> {
                    if (!text.equals("true") && !text.equals("false")) {
                        return false;
                    }
                }
                case TIMESTAMP -> {
                    try {
                        java.time.OffsetDateTime.parse(text);
                    } catch (java.time.format.DateTimeParseException e) {
                        java.time.LocalDate.parse(text);
                    }
                }
                case TEXT -> {
                    return text.length() <= 1000;
                }
            }
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }
}
