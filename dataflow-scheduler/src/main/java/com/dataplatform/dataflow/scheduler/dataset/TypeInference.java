package com.dataplatform.dataflow.scheduler.dataset;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.regex.Pattern;

/** Infers the narrowest lake type that every non-empty value of a column parses as. */
final class TypeInference {

    private static final Pattern INTEGER = Pattern.compile("[+-]?\\d{1,18}");
    private static final Pattern DECIMAL = Pattern.compile("[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?");

    private TypeInference() {
    }

    static ColumnType infer(List<String> values) {
        boolean any = false;
        boolean bigint = true;
        boolean numeric = true;
        boolean bool = true;
        boolean timestamp = true;
        for (String v : values) {
            if (v == null || v.isEmpty()) {
                continue;
            }
            any = true;
            bigint &= INTEGER.matcher(v).matches();
            numeric &= DECIMAL.matcher(v).matches();
            bool &= v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
            timestamp &= isTimestamp(v);
            if (!bigint && !numeric && !bool && !timestamp) {
                return ColumnType.TEXT;
            }
        }
        if (!any) {
            return ColumnType.TEXT;
        }
        return bigint ? ColumnType.BIGINT : numeric ? ColumnType.NUMERIC : bool ? ColumnType.BOOLEAN
                : timestamp ? ColumnType.TIMESTAMP : ColumnType.TEXT;
    }

    static boolean isTimestamp(String v) {
        if (v.length() < 10 || !Character.isDigit(v.charAt(0))) {
            return false;
        }
        try {
            OffsetDateTime.parse(v);
            return true;
        } catch (DateTimeParseException e) {
            // next format
        }
        try {
            LocalDateTime.parse(v);
            return true;
        } catch (DateTimeParseException e) {
            // next format
        }
        try {
            LocalDate.parse(v);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }
}
