package com.dataplatform.ci.deploy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployTestBase;
import java.sql.Connection;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/** The view swap itself, on hand-made version tables: compatible and changed columns, grants, removed tables. */
class CutoverIT extends DeployTestBase {

    @Autowired
    private Cutover cutover;

    @Autowired
    private VersionStore store;

    @Autowired
    private Retention retention;

    @Test
    void views_follow_column_changes_keep_their_grants_and_vanish_with_their_table() throws Exception {
        String org = DeployApi.newOrg();
        String app = DeployApi.newApp("swap");
        String live = "app_" + app.replace('-', '_');
        String reader = "r_" + org;
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("insert into ci_deploy.app (name, org) values ('" + app + "', '" + org + "')");
            st.execute("create role " + reader + " nologin");
            st.execute("create role " + live + "_v1 nologin");
            st.execute("create schema " + live + "_v1 authorization " + live + "_v1");
            st.execute("create table " + live + "_v1.t as select 1 as a, 'x'::text as b");
            st.execute("alter table " + live + "_v1.t owner to " + live + "_v1");
            st.execute("create role " + live + "_v2 nologin");
            st.execute("create schema " + live + "_v2 authorization " + live + "_v2");
            st.execute("create table " + live + "_v2.t as select 2 as a, 'y'::text as b, 20 as c");
            st.execute("alter table " + live + "_v2.t owner to " + live + "_v2");
            st.execute("create role " + live + "_v3 nologin");
            st.execute("create schema " + live + "_v3 authorization " + live + "_v3");
            st.execute("create table " + live + "_v3.t as select 3::bigint as a");
            st.execute("alter table " + live + "_v3.t owner to " + live + "_v3");
            st.execute("create table " + live + "_v3.u as select 33 as z");
            st.execute("alter table " + live + "_v3.u owner to " + live + "_v3");
            st.execute("create role " + live + "_v4 nologin");
            st.execute("create schema " + live + "_v4 authorization " + live + "_v4");
            st.execute("create table " + live + "_v4.u as select 44 as z");
            st.execute("alter table " + live + "_v4.u owner to " + live + "_v4");
        }

        promote(app, 1, List.of("t"));
        jdbc.sql("grant usage on schema " + live + " to " + reader).update();
        jdbc.sql("grant select on " + live + ".t to " + reader).update();
        assertThat(readAs(reader, "select a::int from " + live + ".t")).isEqualTo(1);

        promote(app, 2, List.of("t"));   // columns extended: CREATE OR REPLACE, grant kept
        assertThat(readAs(reader, "select c from " + live + ".t")).isEqualTo(20);

        promote(app, 3, List.of("t", "u"));   // a changed type: drop and create in the same transaction
        assertThat(readAs(reader, "select a::int from " + live + ".t")).as("grant re-applied").isEqualTo(3);
        assertThat(jdbc.sql("select count(*) from lake.datasets where org = :o").param("o", org).query(Integer.class)
                .single()).isEqualTo(2);

        promote(app, 4, List.of("u"));   // t no longer written: its view and catalog row go
        assertThat(jdbc.sql("select to_regclass(:v) is null").param("v", live + ".t").query(Boolean.class).single())
                .isTrue();
        assertThat(jdbc.sql("select name from lake.datasets where org = :o").param("o", org).query(String.class)
                .list()).containsExactly(app.replace('-', '_') + "__u");
        assertThat(jdbc.sql("select version from app_version where app = :a and status = 'LIVE'").param("a", app)
                .query(Integer.class).single()).isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from app_version where app = :a and status = 'RETIRED'")
                .param("a", app).query(Integer.class).single()).isEqualTo(3);

        // only the newest keep-versions (3) live/retired versions keep their schema and role
        retention.enforce(app);
        assertThat(jdbc.sql("select version from app_version where app = :a and schema_dropped_at is not null")
                .param("a", app).query(Integer.class).list()).containsExactly(1);
        assertThat(jdbc.sql("select count(*) from pg_namespace where nspname = :s").param("s", live + "_v1")
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from pg_roles where rolname = :r").param("r", live + "_v1")
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from pg_namespace where nspname = :s").param("s", live + "_v2")
                .query(Integer.class).single()).isOne();

        // a version that is no longer TESTING is not promoted, and nothing changes
        VersionRow retired = store.find(app, 1).orElseThrow();
        assertThatThrownBy(() -> cutover.promote(retired, List.of("t"))).isInstanceOf(StageFailure.class)
                .hasMessageContaining("is RETIRED");
        assertThat(jdbc.sql("select version from app_version where app = :a and status = 'LIVE'").param("a", app)
                .query(Integer.class).single()).isEqualTo(4);
    }

    private void promote(String app, int version, List<String> tables) throws Exception {
        String schema = "app_" + app.replace('-', '_') + "_v" + version;
        jdbc.sql("""
                insert into app_version (app, version, status, bundle_sha256, descriptor, schema_name, role_name,
                                         runtime, instance)
                values (:a, :v, 'TESTING', 'x', 'x', :s, :s, 'process', 'test')""")
                .param("a", app).param("v", version).param("s", schema).update();
        Cutover.Result r = cutover.promote(store.find(app, version).orElseThrow(), tables);
        assertThat(r.previous()).isEqualTo(version == 1 ? null : version - 1);
    }

    private int readAs(String role, String sql) throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("set role " + role);
            try (var rs = st.executeQuery(sql)) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
