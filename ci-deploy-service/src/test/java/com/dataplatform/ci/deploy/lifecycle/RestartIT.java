package com.dataplatform.ci.deploy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.ci.deploy.Bundles;
import com.dataplatform.ci.deploy.CiDeployApplication;
import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.SuitePostgres;
import com.dataplatform.testsupport.TestJwts;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * The service is stopped in the middle of a pipeline and started again on the same database and disk: a version
 * caught in RUNNING is failed cleanly (its process gone, its role without login, live untouched), one caught in
 * TESTING is resumed and promoted, and new versions deploy normally afterwards.
 */
class RestartIT {

    @TempDir
    Path workDir;

    private ConfigurableApplicationContext start() {
        SuitePostgres.Connection pg = SuitePostgres.get();
        Map<String, String> props = Map.of(
                "spring.datasource.url", pg.jdbcUrl(), "spring.datasource.username", pg.username(),
                "spring.datasource.password", pg.password(),
                "spring.kafka.bootstrap-servers", SuiteKafka.bootstrapServers(),
                "spring.security.oauth2.resourceserver.jwt.public-key-location",
                "file:" + TestJwts.publicKeyPem().toAbsolutePath(),
                "server.port", "0", "ci-deploy.work-dir", workDir.toString());
        // command-line arguments outrank application.yml (builder properties would not)
        return new SpringApplicationBuilder(CiDeployApplication.class)
                .run(props.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    private static DeployApi api(ConfigurableApplicationContext ctx, String org) {
        return new DeployApi(Integer.parseInt(ctx.getEnvironment().getProperty("local.server.port")), org);
    }

    @Test
    void a_restart_fails_an_interrupted_run_cleanly_and_resumes_interrupted_tests() throws Exception {
        String org = DeployApi.newOrg();
        String app = DeployApi.newApp("restart");
        String live = "app_" + app.replace('-', '_');
        seed(org);
        String props = "input=lake_" + org + ".sales\nvariant=ok\n";
        Map<String, byte[]> good = Bundles.sample(app, "once", props);
        Map<String, byte[]> hanging = Bundles.sample(app, "once", props);
        hanging.put("app.yaml", yamlOf(hanging).replace("java -cp $APP_CLASSPATH App.java", "sleep 120")
                .getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> slowTests = Bundles.sample(app, "once", props);
        slowTests.put("app.yaml", yamlOf(slowTests).replace("select count(*) > 0 from {{daily_totals}}",
                "select count(*) > 0 from {{daily_totals}} where (select true from pg_sleep(4))")
                .getBytes(StandardCharsets.UTF_8));

        ConfigurableApplicationContext first = start();
        long pid;
        try {
            DeployApi api = api(first, org);
            assertThat(api.createApp(app).status()).isEqualTo(201);
            assertThat(api.upload(app, Bundles.tarGz(good), "v1.tar.gz").status()).isEqualTo(202);
            api.awaitStatus(app, 1, "LIVE");
            assertThat(api.upload(app, Bundles.tarGz(hanging), "v2.tar.gz").status()).isEqualTo(202);
            api.awaitStatus(app, 2, "RUNNING");
            JdbcClient jdbc = first.getBean(JdbcClient.class);
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> jdbc.sql(
                    "select pid from app_version where app = :a and version = 2").param("a", app)
                    .query(Long.class).optional().isPresent());
            pid = jdbc.sql("select pid from app_version where app = :a and version = 2").param("a", app)
                    .query(Long.class).single();
        } finally {
            first.close();
        }
        assertThat(status(app, 2)).as("a stop records nothing; the next start decides").isEqualTo("RUNNING");

        ConfigurableApplicationContext second = start();
        try {
            DeployApi api = api(second, org);
            JsonNode v2 = api.awaitStatus(app, 2, "FAILED");
            assertThat(v2.get("failure").get("stage").asString()).isEqualTo("RUNNING");
            assertThat(v2.get("failure").get("reason").asString()).contains("service restarted during RUNNING");
            assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
            assertThat(canLogin(live + "_v2")).isFalse();
            assertThat(liveVersion(live)).isEqualTo(1);
            assertThat(api.get("/api/apps/" + app).json().get("live").get("version").asInt()).isEqualTo(1);

            assertThat(api.upload(app, Bundles.tarGz(slowTests), "v3.tar.gz").status()).isEqualTo(202);
            api.awaitStatus(app, 3, "TESTING");
        } finally {
            second.close();
        }
        assertThat(status(app, 3)).isEqualTo("TESTING");
        assertThat(liveVersion(live)).isEqualTo(1);

        ConfigurableApplicationContext third = start();
        try {
            DeployApi api = api(third, org);
            JsonNode v3 = api.awaitStatus(app, 3, "LIVE");
            assertThat(v3.get("tests")).allSatisfy(t -> assertThat(t.get("passed").asBoolean()).isTrue());
            assertThat(liveVersion(live)).isEqualTo(3);
            assertThat(status(app, 1)).isEqualTo("RETIRED");
            assertThat(api.upload(app, Bundles.tarGz(good), "v4.tar.gz").status()).isEqualTo(202);
            api.awaitStatus(app, 4, "LIVE");
            assertThat(liveVersion(live)).isEqualTo(4);
        } finally {
            third.close();
        }
    }

    private static String yamlOf(Map<String, byte[]> files) {
        return new String(files.get("app.yaml"), StandardCharsets.UTF_8);
    }

    private static Connection db() throws Exception {
        SuitePostgres.Connection pg = SuitePostgres.get();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }

    private static void seed(String org) throws Exception {
        try (Connection c = db(); Statement st = c.createStatement()) {
            st.execute("create schema lake_" + org);
            st.execute("create table lake_" + org + ".sales (day date not null, amount numeric not null)");
            st.execute("insert into lake_" + org + ".sales select date '2026-01-01' + (i % 3), i "
                    + "from generate_series(1, 30) i");
        }
    }

    private static String status(String app, int version) throws Exception {
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select status from ci_deploy.app_version where app = '" + app + "' and version = " + version)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static int liveVersion(String live) throws Exception {
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select max(version) from " + live + ".daily_totals")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    private static boolean canLogin(String role) throws Exception {
        try (Connection c = db(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "select rolcanlogin from pg_roles where rolname = '" + role + "'")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

}
