package com.dataplatform.ci.deploy.app;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.ci.deploy.Bundles;
import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployEvents;
import com.dataplatform.ci.deploy.DeployTestBase;
import com.dataplatform.ci.deploy.DeployProperties;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.JsonNode;

/** Bad input is refused up front with problem+json naming the field, or fails its stage with the reason. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputIT extends DeployTestBase {

    private final String org = DeployApi.newOrg();
    private DeployApi api;

    @Autowired
    private DeployProperties props;

    @BeforeAll
    void setUp() throws Exception {
        api = new DeployApi(port, org);
        seedSales(org);
    }

    private String newApp() throws Exception {
        String app = DeployApi.newApp("bad");
        assertThat(api.createApp(app).status()).isEqualTo(201);
        return app;
    }

    private static String yaml(String app, String run, String extra) {
        return "name: " + app + "\nrun: \"" + run + "\"\nwrites: [t]\ntests:\n  - name: has t\n"
                + "    sql: \"select count(*) >= 0 from {{t}}\"\n" + extra;
    }

    private void assertRefused(String app, byte[] bundle, int status, String field, String detailPart)
            throws Exception {
        DeployApi.Response r = api.upload(app, bundle, "b.tar.gz");
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        JsonNode p = r.json();
        assertThat(p.get("field").asString()).isEqualTo(field);
        assertThat(p.get("detail").asString()).contains(detailPart);
        assertThat(jdbc.sql("select count(*) from app_version where app = :a").param("a", app).query(Integer.class)
                .single()).as("nothing stored").isZero();
    }

    @Test
    void app_names_that_are_not_identifiers_are_refused() throws Exception {
        for (String name : new String[] {"Bad", "a_b", "-a", "a--b", "x".repeat(41), "1abc"}) {
            DeployApi.Response r = api.createApp(name);
            assertThat(r.status()).as(name).isEqualTo(400);
            assertThat(r.json().get("field").asString()).isEqualTo("name");
        }
    }

    @Test
    void descriptor_errors_are_refused_with_the_field() throws Exception {
        String app = newApp();
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "colour: blue\n"))), 400,
                "app.yaml/colour", "unknown key");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("writes: [t]", "writes: [lake.t]"))), 422, "app.yaml/writes[0]", "another schema");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("writes: [t]", "writes: [app_other.t]"))), 422, "app.yaml/writes[0]", "another schema");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("select count(*) >= 0 from {{t}}", "delete from {{t}}"))), 422, "app.yaml/tests[0]/sql",
                "read-only SELECT");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("select count(*) >= 0 from {{t}}", "select 1; drop table x"))), 422,
                "app.yaml/tests[0]/sql", "';'");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("{{t}}", "{{nope}}"))), 422, "app.yaml/tests[0]/sql", "neither a declared write");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "reads: [lake_other.x]\n"))),
                422, "app.yaml/reads[0]", "another org");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "reads: [lake.missing]\n"))),
                422, "app.yaml/reads", "does not exist");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", "")
                .replace("name: " + app, "name: someone-else"))), 422, "app.yaml/name", "does not match");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", "name: [unclosed")), 400, "app.yaml/",
                "not valid YAML");
        assertRefused(app, Bundles.tarGz(Bundles.files("App.java", "class App {}")), 400, "bundle", "no app.yaml");
    }

    @Test
    void unsafe_archives_are_refused_and_nothing_is_written_outside() throws Exception {
        String app = newApp();
        String ok = yaml(app, "true", "");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", ok, "../escaped.txt", "x")), 400, "bundle",
                "path traversal");
        assertRefused(app, Bundles.zip(Bundles.files("app.yaml", ok, "a/../../escaped.txt", "x")), 400, "bundle",
                "path traversal");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", ok, "/tmp/escaped.txt", "x")), 400, "bundle",
                "absolute");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", ok), Map.of("passwd", "/etc/passwd")), 400,
                "bundle", "absolute");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", ok), Map.of("up", "../..")), 400, "bundle",
                "out of the workspace");
        assertRefused(app, Bundles.tarGz(Bundles.files("app.yaml", ok, "dir/sub/link/../../../../x", "y")), 400,
                "bundle", "path traversal");
        assertThat(Files.exists(props.workDir().resolve("escaped.txt"))).isFalse();
        assertThat(Files.exists(props.workDir().resolve("staging").resolve("escaped.txt"))).isFalse();
        assertThat(Files.exists(Path.of("/tmp/escaped.txt"))).isFalse();
        try (var staging = Files.list(props.workDir().resolve("staging"))) {
            assertThat(staging.toList()).as("staging cleaned").isEmpty();
        }
        assertRefused(app, "not an archive at all".getBytes(), 400, "bundle", ".tar.gz or .zip");
    }

    @Test
    void oversized_archives_and_zip_bombs_are_refused_with_413() throws Exception {
        String app = newApp();
        byte[] noise = new byte[300 * 1024];
        new Random(42).nextBytes(noise);
        assertRefused(app, noise, 413, "bundle", "exceeds");
        String zeros = "0".repeat(2 * 1024 * 1024);
        byte[] bomb = Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "true", ""), "zeros.txt", zeros));
        assertThat(bomb.length).isLessThan(64 * 1024);
        assertRefused(app, bomb, 413, "bundle", "exceeds");
    }

    @Test
    void build_failures_and_run_timeouts_fail_their_stage_with_the_reason() throws Exception {
        String app = newApp();
        DeployApi.Response r = api.upload(app, Bundles.tarGz(Bundles.files("app.yaml",
                yaml(app, "true", "build: \"echo compiler exploded >&2; exit 3\"\n"))), "b.tar.gz");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        JsonNode v1 = api.awaitStatus(app, 1, "FAILED");
        assertThat(v1.get("failure").get("stage").asString()).isEqualTo("ASSEMBLING");
        assertThat(v1.get("failure").get("reason").asString()).contains("build exited with code 3")
                .contains("compiler exploded");

        assertThat(api.upload(app, Bundles.tarGz(Bundles.files("app.yaml",
                yaml(app, "sleep 30", "resources: {timeoutSeconds: 1}\n"))), "b.tar.gz").status()).isEqualTo(202);
        JsonNode v2 = api.awaitStatus(app, 2, "FAILED");
        assertThat(v2.get("failure").get("stage").asString()).isEqualTo("RUNNING");
        assertThat(v2.get("failure").get("reason").asString()).contains("run timed out after 1 s");
        assertThat(jdbc.sql("select rolcanlogin from pg_roles where rolname = :r")
                .param("r", "app_" + app.replace('-', '_') + "_v2").query(Boolean.class).single()).isFalse();

        assertThat(api.upload(app, Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "echo did nothing", ""))),
                "b.tar.gz").status()).isEqualTo(202);
        JsonNode v3 = api.awaitStatus(app, 3, "FAILED");
        assertThat(v3.get("failure").get("reason").asString()).contains("did not create its declared table(s) [t]");
        assertThat(api.get("/api/apps/" + app + "/versions/3/logs").body()).contains("did nothing");
        assertThat(api.get("/api/apps/" + app).json().get("live").isNull()).isTrue();
        assertThat(jdbc.sql("select count(*) from pg_namespace where nspname = :s")
                .param("s", "app_" + app.replace('-', '_')).query(Integer.class).single()).as("no live schema").isZero();

        List<JsonNode> failed = DeployEvents.ofType(app, "VersionFailed", 3).stream()
                .map(e -> DeployApi.JSON.readTree(e.data())).toList();
        assertThat(failed).as("one VersionFailed per failed version, with stage and reason").hasSize(3);
        assertThat(failed).extracting(e -> e.get("version").asInt()).containsExactly(1, 2, 3);
        assertThat(failed).extracting(e -> e.get("stage").asString()).containsExactly("ASSEMBLING", "RUNNING",
                "RUNNING");
        assertThat(failed.get(0).get("reason").asString()).contains("build exited with code 3");
        assertThat(failed.get(1).get("reason").asString()).contains("run timed out after 1 s");
        assertThat(failed.get(2).get("reason").asString()).contains("did not create its declared table(s) [t]");
        assertThat(failed).allSatisfy(e -> assertThat(e.get("app").asString()).isEqualTo(app));
    }

    @Test
    void one_pipeline_per_app_at_a_time() throws Exception {
        String app = newApp();
        byte[] slow = Bundles.tarGz(Bundles.files("app.yaml", yaml(app, "sleep 3", "resources: {timeoutSeconds: 1}\n")));
        assertThat(api.upload(app, slow, "b.tar.gz").status()).isEqualTo(202);
        DeployApi.Response second = api.upload(app, slow, "b.tar.gz");
        assertThat(second.status()).as(second.body()).isEqualTo(409);
        api.awaitStatus(app, 1, "FAILED");
    }

    @Test
    void another_orgs_app_looks_missing() throws Exception {
        String app = newApp();
        DeployApi other = new DeployApi(port, DeployApi.newOrg());
        assertThat(other.get("/api/apps/" + app).status()).isEqualTo(404);
        assertThat(other.upload(app, Bundles.tarGz(Bundles.files("app.yaml", "x")), "b.tar.gz").status())
                .isEqualTo(404);
        assertThat(other.post("/api/apps/" + app + "/rollback").status()).isEqualTo(404);
        assertThat(other.createApp(app).status()).as("names are global").isEqualTo(409);
    }
}
