package com.dataplatform.analytics.embed.lake;

import com.dataplatform.analytics.embed.area.AreaSpec;
import com.dataplatform.analytics.embed.area.AreaSpec.Metric;
import com.dataplatform.common.lake.LakeNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Checks an area's metadata against the dataset's real columns and builds its SQL. The same checks run when the
 * metadata is saved (a mismatch is a 400 naming the field) and on every render (the dataset may have changed since),
 * so no name reaches SQL that is not a real column or a checked alias, and every value is bound.
 */
public final class QueryPlanner {

    private QueryPlanner() {
    }

    /** Validates without row filters; throws {@link SpecProblem}. */
    public static SqlQuery plan(String org, AreaSpec spec, Map<String, LakeColumn> columns) {
        return plan(org, spec, columns, Map.of());
    }

    /**
     * @param rowFilters a token's {@code column → value} claims, AND-ed into the query; each must be one of the
     *                   area's {@code allowedFilterColumns}
     */
    public static SqlQuery plan(String org, AreaSpec spec, Map<String, LakeColumn> columns,
            Map<String, String> rowFilters) {
        if (!LakeNames.isDataset(spec.dataset())) {
            throw new SpecProblem("dataset", "dataset must match [a-z][a-z0-9_]{0,62}");
        }
        AreaSpec.Query q = spec.query();
        List<String> select = new ArrayList<>();
        List<String> labels = new ArrayList<>();
        List<String> groupCols = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < q.groupBy().size(); i++) {
            String c = q.groupBy().get(i);
            column(columns, c, "query.groupBy[" + i + "]");
            if (!seen.add(c)) {
                throw new SpecProblem("query.groupBy[" + i + "]", "column " + c + " is grouped twice");
            }
            groupCols.add(LakeNames.quote(c));
            labels.add(c);
        }
        select.addAll(groupCols);
        for (int i = 0; i < q.metrics().size(); i++) {
            Metric m = q.metrics().get(i);
            String field = "query.metrics[" + i + "]";
            String arg;
            if (m.column() == null) {
                if (!m.fn().equals("count")) {
                    throw new SpecProblem(field + ".column", m.fn() + " needs a numeric column");
                }
                arg = "*";
            } else {
                LakeColumn c = column(columns, m.column(), field + ".column");
                if (!m.fn().equals("count") && !c.type().numeric()) {
                    throw new SpecProblem(field + ".column", m.fn() + " needs a numeric column; " + c.name()
                            + " is " + c.type().name().toLowerCase());
                }
                arg = LakeNames.quote(c.name());
            }
            if (!m.as().matches(AreaSpec.IDENTIFIER)) {
                throw new SpecProblem(field + ".as", "alias must match " + AreaSpec.IDENTIFIER);
            }
            if (!seen.add(m.as())) {
                throw new SpecProblem(field + ".as", "alias " + m.as() + " is already a column or alias of this query");
            }
            String fn = switch (m.fn()) {
                case "sum", "count", "avg", "min", "max" -> m.fn();
                default -> throw new SpecProblem(field + ".fn", "unknown function " + m.fn());
            };
            select.add(fn + "(" + arg + ") as " + LakeNames.quote(m.as()));
            labels.add(m.as());
        }
        shape(spec);

        List<Object> params = new ArrayList<>();
        List<String> where = new ArrayList<>();
        for (int i = 0; i < q.filters().size(); i++) {
            AreaSpec.Filter f = q.filters().get(i);
            String field = "query.filters[" + i + "]";
            LakeColumn c = column(columns, f.column(), field + ".column");
            String value = scalar(f.value(), field + ".value");
            if (!c.type().accepts(value)) {
                throw new SpecProblem(field + ".value", "value is not a " + c.type().name().toLowerCase());
            }
            where.add(LakeNames.quote(c.name()) + " " + f.sqlOperator() + " cast(? as " + c.type().castTarget() + ")");
            params.add(value);
        }
        for (int i = 0; i < spec.allowedFilterColumns().size(); i++) {
            column(columns, spec.allowedFilterColumns().get(i), "allowedFilterColumns[" + i + "]");
        }
        for (Map.Entry<String, String> rf : new java.util.TreeMap<>(rowFilters).entrySet()) {
            String field = "filters." + rf.getKey();
            if (!spec.allowedFilterColumns().contains(rf.getKey())) {
                throw new SpecProblem(field, "this area does not allow filtering on " + rf.getKey());
            }
            LakeColumn c = column(columns, rf.getKey(), field);
            if (rf.getValue() == null || !c.type().accepts(rf.getValue())) {
                throw new SpecProblem(field, "value is not a " + c.type().name().toLowerCase());
            }
            where.add(LakeNames.quote(c.name()) + " = cast(? as " + c.type().castTarget() + ")");
            params.add(rf.getValue());
        }

        List<String> order = new ArrayList<>();
        for (int i = 0; i < q.orderBy().size(); i++) {
            AreaSpec.Order o = q.orderBy().get(i);
            if (!labels.contains(o.column())) {
                throw new SpecProblem("query.orderBy[" + i + "].column",
                        "order by a group-by column or a metric alias, not " + o.column());
            }
            order.add(LakeNames.quote(o.column()) + (o.descending() ? " desc" : " asc"));
        }
        for (int i = 0; i < q.groupBy().size(); i++) { // group columns break ties: same data, same order
            String g = q.groupBy().get(i);
            if (q.orderBy().stream().noneMatch(o -> o.column().equals(g))) {
                order.add(groupCols.get(i) + " asc");
            }
        }
        StringBuilder sql = new StringBuilder("select ").append(String.join(", ", select))
                .append(" from ").append(LakeNames.qualifiedTable(org, spec.dataset()));
        if (!where.isEmpty()) {
            sql.append(" where ").append(String.join(" and ", where));
        }
        if (!groupCols.isEmpty()) {
            sql.append(" group by ").append(String.join(", ", groupCols));
        }
        if (!order.isEmpty()) {
            sql.append(" order by ").append(String.join(", ", order));
        }
        sql.append(" limit ?");
        params.add(q.limit());
        return new SqlQuery(sql.toString(), params, labels);
    }

    private static void shape(AreaSpec spec) {
        AreaSpec.Query q = spec.query();
        switch (spec.kind()) {
            case BAR, LINE -> {
                if (q.groupBy().size() != 1 || q.metrics().size() != 1) {
                    throw new SpecProblem("query", spec.visualization()
                            + " charts need exactly one groupBy column and one metric");
                }
            }
            case KPI -> {
                if (!q.groupBy().isEmpty() || q.metrics().size() != 1) {
                    throw new SpecProblem("query", "a kpi needs one metric and no groupBy");
                }
            }
            case TABLE -> {
                // any shape
            }
        }
    }

    private static LakeColumn column(Map<String, LakeColumn> columns, String name, String field) {
        LakeColumn c = name == null ? null : columns.get(name);
        if (c == null) {
            throw new SpecProblem(field, "unknown column " + name + " (columns: " + String.join(", ", columns.keySet())
                    + ")");
        }
        return c;
    }

    /** JSON scalars only; numbers keep their exact text. */
    static String scalar(Object value, String field) {
        if (value instanceof String s) {
            return s;
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        throw new SpecProblem(field, "value must be a string, number or boolean");
    }
}
