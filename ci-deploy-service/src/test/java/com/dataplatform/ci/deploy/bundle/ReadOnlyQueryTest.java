package com.dataplatform.ci.deploy.bundle;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ReadOnlyQueryTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "select count(*) > 0 from t",
        "SELECT (select sum(x) from a) = (select sum(y) from b)",
        "with x as (select 1 as v) select v = 1 from x",
        "select 'insert; delete' = 'insert; delete'",
        "select \"update\" from t -- trailing comment; drop",
        "values (true)",
        "(select true)"})
    void accepts_single_read_only_selects(String sql) {
        assertThat(ReadOnlyQuery.problem(sql)).isNull();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "delete from t",
        "select 1; drop table t",
        "select 1;",
        "with d as (delete from t returning *) select count(*) > 0 from d",
        "select * into copy_of_t from t",
        "select * from t for update",
        "select $$x$$",
        "select E'\\''; commit; drop table t; select '",
        "set role postgres",
        "explain select 1",
        "select 'unterminated",
        "/* comment */ update t set x = 1",
        ""})
    void refuses_anything_else(String sql) {
        assertThat(ReadOnlyQuery.problem(sql)).isNotNull();
    }
}
