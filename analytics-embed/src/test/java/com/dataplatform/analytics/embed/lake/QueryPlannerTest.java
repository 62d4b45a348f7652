package com.dataplatform.analytics.embed.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.analytics.embed.area.AreaSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class QueryPlannerTest {

    static final Map<String, LakeColumn> COLUMNS = new LinkedHashMap<>();

    static {
        COLUMNS.put("region", new LakeColumn("region", ColumnType.TEXT));
        COLUMNS.put("amount", new LakeColumn("amount", ColumnType.NUMERIC));
        COLUMNS.put("units", new LakeColumn("units", ColumnType.BIGINT));
    }

    static AreaSpec spec(List<String> groupBy, List<AreaSpec.Metric> metrics, List<AreaSpec.Filter> filters,
            List<String> allowed, String viz) {
        return new AreaSpec("t", "sales", new AreaSpec.Query(groupBy, metrics, filters, List.of(), 50), viz,
                new AreaSpec.Position(0, 0, 6, 4), allowed);
    }

    @Test
    void builds_quoted_identifiers_and_binds_every_value_with_token_filters_anded() {
        AreaSpec s = spec(List.of("region"), List.of(new AreaSpec.Metric("sum", "amount", "total")),
                List.of(new AreaSpec.Filter("units", "gt", 2)), List.of("region"), "bar");
        SqlQuery q = QueryPlanner.plan("acme", s, COLUMNS, Map.of("region", "north'; drop table x; --"));
        assertThat(q.sql()).isEqualTo("select \"region\", sum(\"amount\") as \"total\" from \"lake_acme\".\"sales\""
                + " where \"units\" > cast(? as bigint) and \"region\" = cast(? as text) group by \"region\""
                + " order by \"region\" asc limit ?");
        assertThat(q.params()).containsExactly("2", "north'; drop table x; --", 50);
        assertThat(q.columns()).containsExactly("region", "total");
    }

    @Test
    void refuses_token_filters_outside_the_allowed_columns() {
        AreaSpec s = spec(List.of("region"), List.of(new AreaSpec.Metric("count", null, "n")), List.of(),
                List.of(), "bar");
        assertThatThrownBy(() -> QueryPlanner.plan("acme", s, COLUMNS, Map.of("region", "north")))
                .isInstanceOf(SpecProblem.class).extracting(e -> ((SpecProblem) e).field()).isEqualTo("filters.region");
    }

    /** Seeded: hostile names and values either are refused or never reach the SQL text unquoted. */
    @Test
    void random_hostile_names_and_values_never_reach_sql() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        String[] pool = {"region", "amount", "units", "region\"--", "x; drop table t", "Amount", "\"", "a b",
                "total", "units)", "n", "region' or '1'='1"};
        for (int i = 0; i < 2000; i++) {
            String g = pool[random.nextInt(pool.length)];
            String m = pool[random.nextInt(pool.length)];
            String alias = pool[random.nextInt(pool.length)];
            String fc = pool[random.nextInt(pool.length)];
            String value = pool[random.nextInt(pool.length)];
            String fn = List.of("sum", "count", "avg", "min", "max").get(random.nextInt(5));
            List<AreaSpec.Filter> filters = new ArrayList<>();
            filters.add(new AreaSpec.Filter(fc, "eq", value));
            AreaSpec s = spec(List.of(g), List.of(new AreaSpec.Metric(fn, m, alias)), filters, List.of("region"),
                    "table");
            try {
                SqlQuery q = QueryPlanner.plan("acme", s, COLUMNS, Map.of("region", value));
                assertThat(q.sql()).as("seed %d", seed).doesNotContain(";", "--", "'");
                assertThat(COLUMNS).as("seed %d", seed).containsKeys(g, fc);
                assertThat(q.params()).as("seed %d", seed).contains(value);
            } catch (SpecProblem expected) {
                assertThat(expected.field()).as("seed %d", seed).isNotBlank();
            }
        }
    }
}
