package com.dataplatform.analytics.embed.area;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.util.List;

/**
 * One version of an embed area's metadata: what to query (only through validated names) and how to show it.
 * Stored as JSON per version; the page renders the current one.
 */
public record AreaSpec(
        @NotBlank @Size(max = 200) String title,
        @NotBlank @Size(max = 63) String dataset,
        @NotNull @Valid Query query,
        @NotNull @Pattern(regexp = "bar|line|table|kpi", message = "must be one of bar, line, table, kpi")
        String visualization,
        @NotNull @Valid Position position,
        @Size(max = 20) List<@NotBlank @Size(max = 63) String> allowedFilterColumns) {

    public static final String IDENTIFIER = "[a-z_][a-z0-9_]{0,62}";

    public AreaSpec {
        allowedFilterColumns = allowedFilterColumns == null ? List.of() : List.copyOf(allowedFilterColumns);
    }

    public Visualization kind() {
        return Visualization.valueOf(visualization.toUpperCase(java.util.Locale.ROOT));
    }

    /** What an area shows. */
    public enum Visualization { BAR, LINE, TABLE, KPI }

    /** The query, built into SQL only after every name is checked against the dataset's real columns. */
    public record Query(
            @Size(max = 5) List<@NotBlank @Size(max = 63) String> groupBy,
            @NotNull @Size(min = 1, max = 10) List<@NotNull @Valid Metric> metrics,
            @Size(max = 20) List<@NotNull @Valid Filter> filters,
            @Size(max = 5) List<@NotNull @Valid Order> orderBy,
            @Min(1) @Max(1000) Integer limit) {

        public Query {
            groupBy = groupBy == null ? List.of() : List.copyOf(groupBy);
            filters = filters == null ? List.of() : List.copyOf(filters);
            orderBy = orderBy == null ? List.of() : List.copyOf(orderBy);
            limit = limit == null ? 100 : limit;
        }
    }

    /** {@code fn(column) as alias}; every function but count needs a numeric column. */
    public record Metric(
            @NotNull @Pattern(regexp = "sum|count|avg|min|max", message = "must be one of sum, count, avg, min, max")
            String fn,
            @Size(max = 63) String column,
            @NotNull @Pattern(regexp = IDENTIFIER, message = "must match " + IDENTIFIER) String as) {
    }

    /** {@code column op value}, the value bound as a parameter after it is checked against the column's type. */
    public record Filter(
            @NotBlank @Size(max = 63) String column,
            @NotNull @Pattern(regexp = "eq|ne|lt|lte|gt|gte", message = "must be one of eq, ne, lt, lte, gt, gte")
            String op,
            @NotNull Object value) {

        public String sqlOperator() {
            return switch (op) {
                case "eq" -> "=";
                case "ne" -> "<>";
                case "lt" -> "<";
                case "lte" -> "<=";
                case "gt" -> ">";
                case "gte" -> ">=";
                default -> throw new IllegalStateException("unvalidated operator " + op);
            };
        }
    }

    /** Orders by a group-by column or a metric alias. */
    public record Order(
            @NotBlank @Size(max = 63) String column,
            @Pattern(regexp = "asc|desc", message = "must be asc or desc") String direction) {

        public boolean descending() {
            return "desc".equals(direction);
        }
    }

    /** A cell range on the page's 12-column grid. */
    public record Position(
            @NotNull @Min(0) @Max(1000) Integer row,
            @NotNull @Min(0) @Max(11) Integer col,
            @NotNull @Min(1) @Max(12) Integer width,
            @NotNull @Min(1) @Max(24) Integer height) {

        public boolean overlaps(Position o) {
            return col < o.col + o.width && o.col < col + width && row < o.row + o.height && o.row < row + height;
        }
    }
}
