package com.dataplatform.ci.deploy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.ci.deploy.Bundles;
import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployEvents;
import com.dataplatform.ci.deploy.ServiceJvm;
import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.runtime.ProcessRuntime;
import com.dataplatform.testsupport.SuitePostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;

/**
 * The real service, a child JVM, is SIGKILLed (no shutdown hook runs) in the middle of four deploys at once and
 * started again on the same database and disk: one app's run in progress, another's build, a third's tests (held up
 * by a lock on a table they read) and a fourth's promotion (its swap held up by a reader of the live view). After
 * the restart: at most one live version per app, every live view reads the live version's existing table, the
 * interrupted versions end FAILED with the reason (and VersionFailed) or, for tests and promotion, are resumed to
 * LIVE, nothing the killed service started is still running, and later deploys work.
 */
class KillIT {

    /** A JVM start takes ~10 s, but over a minute on 2 cores shared by several builds. */
    private static final Duration START = Duration.ofSeconds(180);
    /** Held-up tests and swaps wait for this test, not for the defaults (30 s) of a busy machine. */
    private static final String[] PATIENT = {"ci-deploy.test-timeout=300s", "ci-deploy.cutover-budget=300s"};

    @TempDir
    Path dir;

    /** Whatever a failed run of this test left behind in its work dir (the sleeping apps) is killed. */
    @AfterEach
    void killEverythingLeftInTheWorkDir() throws Exception {
        Path apps = dir.resolve("work").resolve("apps");
        if (!Files.isDirectory(apps)) {
            return;
        }
        ProcessRuntime runtime = new ProcessRuntime("", Optional.empty());
        try (var versions = Files.find(apps, 2, (p, attrs) -> attrs.isDirectory()
                && p.getFileName().toString().matches("v[0-9]+"))) {
            versions.forEach(v -> runtime.killLeftovers(v.resolve("workspace")));
        }
        Assembler.thaw(apps); // frozen workspaces, so that @TempDir can delete them
    }

    @Test
    void a_service_killed_mid_deploy_restarts_into_a_consistent_state() throws Exception {
        long t0 = System.nanoTime();
        Path workDir = dir.resolve("work");
        String org = DeployApi.newOrg();
        seed(org);
        String a = DeployApi.newApp("kill-run");
        String b = DeployApi.newApp("kill-build");
        String c = DeployApi.newApp("kill-test");
        String d = DeployApi.newApp("kill-swap");
        String props = "input=lake_" + org + ".sales\nvariant=ok\n";
        Map<String, byte[]> good = Map.of(a, sample(a, props), b, sample(b, props), c, sample(c, props), d,
                sample(d, props));
        byte[] hangingRun = bundle(a, props, "java -cp $APP_CLASSPATH App.java", "sleep 300");
        byte[] hangingBuild = bundle(b, props, "run: ", "build: \"sleep 300\"\nrun: ");
        // c's first test also reads lake.gate, which this test keeps locked: the tests stay in progress
        byte[] gatedTests = bundle(c, props, "reads: [lake.sales]", "reads: [lake.sales, lake.gate]",
                "select count(*) > 0 from {{daily_totals}}",
                "select count(*) > 0 from {{daily_totals}} where exists (select 1 from {{lake.gate}})");

        long orphanRun;
        List<ProcessHandle> orphanBuild;
        ServiceJvm first = ServiceJvm.start(workDir, dir.resolve("service-1.log"), START, PATIENT);
        log(t0, "first service up");
        try (Connection gate = db(); Connection reader = db()) {
            DeployApi api = new DeployApi(first.port(), org);
            for (String app : List.of(a, b, c, d)) {
                assertThat(api.createApp(app).status()).isEqualTo(201);
            }
            for (String app : List.of(a, c, d)) {
                assertThat(api.upload(app, good.get(app), app + "-1.tar.gz").status()).isEqualTo(202);
            }
            for (String app : List.of(a, c, d)) {
                api.awaitStatus(app, 1, "LIVE");
            }
            log(t0, "v1 of three apps live");

            gate.setAutoCommit(false);
            try (Statement st = gate.createStatement()) {
                st.execute("lock table lake_" + org + ".gate in access exclusive mode");
            }
            // a reader holds d's live view, so every swap attempt of d v2 waits for it and backs off
            reader.setAutoCommit(false);
            try (Statement st = reader.createStatement()) {
                st.execute("select * from app_" + sql(d) + ".daily_totals limit 0");
            }
            assertThat(api.upload(a, hangingRun, "a2.tar.gz").status()).isEqualTo(202);
            assertThat(api.upload(b, hangingBuild, "b1.tar.gz").status()).isEqualTo(202);
            assertThat(api.upload(c, gatedTests, "c2.tar.gz").status()).isEqualTo(202);
            assertThat(api.upload(d, good.get(d), "d2.tar.gz").status()).isEqualTo(202);

            Awaitility.await("a v2 running with its pid recorded").atMost(Duration.ofSeconds(60))
                    .until(() -> recordedPid(a, 2).isPresent());
            orphanRun = recordedPid(a, 2).orElseThrow();
            Awaitility.await("b v1 build running").atMost(Duration.ofSeconds(60))
                    .until(() -> !ProcessRuntime.leftovers(workspace(workDir, b, 1)).isEmpty());
            api.awaitStatus(c, 2, "TESTING");
            Awaitility.await("c v2 tests waiting for lake.gate").atMost(Duration.ofSeconds(90))
                    .until(() -> lockWaited("lake_" + org, "gate"));
            Awaitility.await("d v2 swap waiting for the live view").atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofMillis(20)).until(() -> lockWaited("app_" + sql(d), "daily_totals"));
            assertThat(status(a, 2)).isEqualTo("RUNNING");
            assertThat(status(b, 1)).isEqualTo("ASSEMBLING");
            assertThat(status(c, 2)).isEqualTo("TESTING");
            assertThat(status(d, 2)).isEqualTo("TESTING");
            assertThat(stageOpen(d, 2, "PROMOTING")).as("d v2 passed its tests and is being promoted").isTrue();
            orphanBuild = ProcessRuntime.leftovers(workspace(workDir, b, 1));
            log(t0, "run, build, tests and promotion in progress; SIGKILL");
            first.kill();
            gate.rollback();
            reader.rollback();
        } catch (Throwable t) {
            first.kill();
            throw new AssertionError(t.getMessage() + "\n--- service log ---\n" + first.logTail(), t);
        }
        assertThat(alive(orphanRun)).as("SIGKILL leaves the run's process behind").isTrue();
        assertThat(orphanBuild).as("and the build's").anyMatch(ProcessHandle::isAlive);
        assertThat(List.of(status(a, 2), status(b, 1), status(c, 2), status(d, 2)))
                .containsExactly("RUNNING", "ASSEMBLING", "TESTING", "TESTING");
        for (String app : List.of(a, c, d)) {
            assertConsistent(app, 1);
        }
        assertConsistent(b, null);

        ServiceJvm second = ServiceJvm.start(workDir, dir.resolve("service-2.log"), START, PATIENT);
        log(t0, "second service up");
        try {
            DeployApi api = new DeployApi(second.port(), org);
            JsonNode a2 = api.awaitStatus(a, 2, "FAILED");
            assertThat(a2.get("failure").get("stage").asString()).isEqualTo("RUNNING");
            assertThat(a2.get("failure").get("reason").asString()).contains("service restarted during RUNNING");
            JsonNode b1 = api.awaitStatus(b, 1, "FAILED");
            assertThat(b1.get("failure").get("stage").asString()).isEqualTo("ASSEMBLING");
            assertThat(b1.get("failure").get("reason").asString()).contains("service restarted during ASSEMBLING");
            JsonNode c2 = api.awaitStatus(c, 2, "LIVE");
            assertThat(c2.get("tests")).hasSize(3).allSatisfy(t -> assertThat(t.get("passed").asBoolean()).isTrue());
            api.awaitStatus(d, 2, "LIVE");
            log(t0, "interrupted versions resolved");

            assertThat(alive(orphanRun)).as("the restarted service killed the orphaned run").isFalse();
            assertThat(orphanBuild).as("and the orphaned build").noneMatch(ProcessHandle::isAlive);
            assertThat(ProcessRuntime.leftovers(workspace(workDir, a, 2))).isEmpty();
            assertThat(ProcessRuntime.leftovers(workspace(workDir, b, 1))).isEmpty();
            assertThat(canLogin("app_" + sql(a) + "_v2")).isFalse();
            assertConsistent(a, 1);
            assertConsistent(b, null);
            assertConsistent(c, 2);
            assertConsistent(d, 2);
            assertThat(List.of(status(c, 1), status(d, 1))).containsExactly("RETIRED", "RETIRED");
            assertVersionFailed(a, 2, "RUNNING");
            assertVersionFailed(b, 1, "ASSEMBLING");

            assertThat(api.upload(a, good.get(a), "a3.tar.gz").status()).isEqualTo(202);
            assertThat(api.upload(b, good.get(b), "b2.tar.gz").status()).isEqualTo(202);
            api.awaitStatus(a, 3, "LIVE");
            api.awaitStatus(b, 2, "LIVE");
            assertConsistent(a, 3);
            assertConsistent(b, 2);
            for (String app : List.of(a, b, c, d)) {
                int live = app.equals(a) ? 3 : 2;
                assertThat(ProcessRuntime.leftovers(workspace(workDir, app, live)))
                        .as("once apps leave nothing running").isEmpty();
            }
            log(t0, "later deploys live");
        } catch (Throwable t) {
            throw new AssertionError(t.getMessage() + "\n--- service log ---\n" + second.logTail(), t);
        } finally {
            second.close();
        }
    }

    private static void log(long t0, String what) {
        System.out.printf("[KillIT] %6d ms  %s%n", (System.nanoTime() - t0) / 1_000_000, what);
    }

    /**
     * At most one LIVE version; if there is one, the live views are exactly its declared tables, each reading that
     * version's existing table and returning its rows; without one, there are no live views.
     */
    private static void assertConsistent(String app, Integer liveVersion) throws Exception {
        try (Connection c = db()) {
            List<Integer> live = ints(c, "select version from ci_deploy.app_version where app = ? and status = 'LIVE'",
                    app);
            assertThat(live).as(app + " live versions").isEqualTo(liveVersion == null ? List.of()
                    : List.of(liveVersion));
            String liveSchema = "app_" + sql(app);
            List<String[]> uses = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("""
                    select u.view_name, u.table_schema, u.table_name,
                           exists (select 1 from pg_class t join pg_namespace n on n.oid = t.relnamespace
                                   where n.nspname = u.table_schema and t.relname = u.table_name and t.relkind = 'r')
                    from information_schema.view_table_usage u where u.view_schema = ? order by u.view_name""")) {
                ps.setString(1, liveSchema);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        assertThat(rs.getBoolean(4)).as(app + " view " + rs.getString(1) + " reads an existing table")
                                .isTrue();
                        uses.add(new String[] {rs.getString(1), rs.getString(2), rs.getString(3)});
                    }
                }
            }
            if (liveVersion == null) {
                assertThat(uses).as(app + " has no live views").isEmpty();
                return;
            }
            String versionSchema = liveSchema + "_v" + liveVersion;
            assertThat(uses).extracting(u -> u[0] + " -> " + u[1] + "." + u[2]).containsExactly(
                    "daily_totals -> " + versionSchema + ".daily_totals", "run_info -> " + versionSchema + ".run_info");
            assertThat(ints(c, "select distinct version from " + liveSchema + ".daily_totals"))
                    .as(app + " live rows").containsExactly(liveVersion);
            assertThat(ints(c, "select version from " + liveSchema + ".run_info")).containsExactly(liveVersion);
        }
    }

    private static void assertVersionFailed(String app, int version, String stage) {
        List<JsonNode> failed = DeployEvents.ofType(app, "VersionFailed", 1).stream()
                .map(e -> DeployApi.JSON.readTree(e.data())).toList();
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).get("version").asInt()).isEqualTo(version);
        assertThat(failed.get(0).get("stage").asString()).isEqualTo(stage);
        assertThat(failed.get(0).get("reason").asString()).contains("service restarted during " + stage);
    }

    /** Someone waits for a lock on this relation (the swap for a live view, a test for a lake table). */
    private static boolean lockWaited(String schema, String relation) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement("""
                select 1 from pg_locks l join pg_class t on t.oid = l.relation
                join pg_namespace n on n.oid = t.relnamespace
                where not l.granted and n.nspname = ? and t.relname = ?""")) {
            ps.setString(1, schema);
            ps.setString(2, relation);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static boolean stageOpen(String app, int version, String stage) throws Exception {
        try (Connection c = db()) {
            return !ints(c, "select 1 from ci_deploy.version_stage where app = ? and version = " + version
                    + " and stage = '" + stage + "' and finished_at is null", app).isEmpty();
        }
    }

    private static byte[] sample(String app, String props) {
        return Bundles.tarGz(Bundles.sample(app, "once", props));
    }

    /** The sample app with pairs of (text, replacement) applied to its app.yaml. */
    private static byte[] bundle(String app, String props, String... replacements) {
        Map<String, byte[]> files = Bundles.sample(app, "once", props);
        String yaml = new String(files.get("app.yaml"), StandardCharsets.UTF_8);
        for (int i = 0; i < replacements.length; i += 2) {
            assertThat(yaml).contains(replacements[i]);
            yaml = yaml.replace(replacements[i], replacements[i + 1]);
        }
        files.put("app.yaml", yaml.getBytes(StandardCharsets.UTF_8));
        return Bundles.tarGz(files);
    }

    private static Path workspace(Path workDir, String app, int version) {
        return VersionPaths.of(workDir, app, version).workspace();
    }

    private static String sql(String app) {
        return app.replace('-', '_');
    }

    private static boolean alive(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static Connection db() throws Exception {
        SuitePostgres.Connection pg = SuitePostgres.get();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    private static void seed(String org) throws Exception {
        try (Connection c = db(); Statement st = c.createStatement()) {
            st.execute("create schema lake_" + org);
            st.execute("create table lake_" + org + ".sales (day date not null, amount numeric not null)");
            st.execute("insert into lake_" + org + ".sales select date '2026-01-01' + (i % 4), i "
                    + "from generate_series(1, 40) i");
            st.execute("create table lake_" + org + ".gate (open boolean)");
            st.execute("insert into lake_" + org + ".gate values (true)");
        }
    }

    private static List<Integer> ints(Connection c, String query, String... params) throws Exception {
        try (PreparedStatement ps = c.prepareStatement(query)) {
            for (int i = 0; i < params.length; i++) {
                ps.setString(i + 1, params[i]);
            }
            List<Integer> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getInt(1));
                }
            }
            return out;
        }
    }

    private static Optional<Long> recordedPid(String app, int version) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select pid from ci_deploy.app_version where app = ? and version = ? and pid is not null")) {
            ps.setString(1, app);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
            }
        }
    }

    private static String status(String app, int version) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select status from ci_deploy.app_version where app = ? and version = ?")) {
            ps.setString(1, app);
            ps.setInt(2, version);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static boolean canLogin(String role) throws Exception {
        try (Connection c = db(); PreparedStatement ps = c.prepareStatement(
                "select rolcanlogin from pg_roles where rolname = ?")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
