package com.dataplatform.ci.deploy.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.ci.deploy.Bundles;
import com.dataplatform.ci.deploy.DeployApi;
import com.dataplatform.ci.deploy.DeployTestBase;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.testsupport.SuiteKafka;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import tools.jackson.databind.JsonNode;

/**
 * One app through its life: v1 promoted, v2 fails its tests (live untouched), v3 promoted under a continuous
 * reader, the candidate cannot touch live tables, rollback, and the events of all of it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleIT extends DeployTestBase {

    private final String org = DeployApi.newOrg();
    private final String app = DeployApi.newApp("totals");
    private final String live = "app_" + app.replace('-', '_');
    private DeployApi api;

    @org.springframework.beans.factory.annotation.Autowired
    private Retention retention;

    @BeforeAll
    void setUp() throws Exception {
        api = new DeployApi(port, org);
        seedSales(org);
        assertThat(api.createApp(app).status()).isEqualTo(201);
    }

    private byte[] sample(String variant, String probe) {
        String props = "input=lake_" + org + ".sales\nvariant=" + variant + "\n" + (probe == null ? ""
                : "probe=" + probe + "\n");
        return Bundles.tarGz(Bundles.sample(app, "\"every 30s\"", props));
    }

    @Test
    @Order(1)
    void first_version_is_assembled_run_tested_and_promoted_as_views_over_its_tables() throws Exception {
        DeployApi.Response r = api.withRequestId("lc-upload-1").upload(app, sample("ok", null), "v1.tar.gz");
        assertThat(r.status()).as(r.body()).isEqualTo(202);
        assertThat(r.json().get("version").asInt()).isEqualTo(1);
        JsonNode v1 = api.awaitStatus(app, 1, "LIVE");

        assertThat(v1.get("contentHash").asString()).startsWith("sha256:");
        assertThat(v1.get("tests")).hasSize(3).allSatisfy(t -> assertThat(t.get("passed").asBoolean()).isTrue());
        List<String> stages = new ArrayList<>();
        v1.get("stages").forEach(s -> stages.add(s.get("stage").asString()));
        assertThat(stages).containsExactly("ASSEMBLING", "DEPLOYING", "RUNNING", "TESTING", "PROMOTING");
        assertThat(liveVersions()).containsExactly(1, 1, 1);
        assertThat(viewDefinition("daily_totals")).contains(live + "_v1");
        assertThat(jdbc.sql("select relation from lake.datasets where org = :o and name = :n").param("o", org)
                .param("n", live.substring(4) + "__daily_totals").query(String.class).single())
                .isEqualTo("\"" + live + "\".\"daily_totals\"");
        JsonNode details = api.get("/api/apps/" + app).json();
        assertThat(details.get("live").get("version").asInt()).isEqualTo(1);
        assertThat(details.get("process").get("version").asInt()).isEqualTo(1);
        assertThat(api.get("/api/apps/" + app + "/versions/1/logs").body()).contains("wrote daily totals as version 1");

        // stage durations for the ops dashboard: every stage of this version counted as ok, failures exported at 0+
        String metrics = new DeployApi(port, "ops", "ops").get("/actuator/prometheus").body();
        for (String stage : stages) {
            assertThat(stageCount(metrics, stage, "ok")).as(stage).isGreaterThanOrEqualTo(1);
            assertThat(stageCount(metrics, stage, "failed")).as(stage).isGreaterThanOrEqualTo(0);
        }
    }

    private static double stageCount(String exposition, String stage, String outcome) {
        return exposition.lines().filter(l -> l.startsWith("ci_deploy_stage_duration_seconds_count{")
                        && l.contains("stage=\"" + stage + "\"") && l.contains("outcome=\"" + outcome + "\""))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).findFirst().orElse(-1);
    }

    @Test
    @Order(2)
    void a_version_failing_its_tests_is_not_promoted_and_keeps_its_schema_for_inspection() throws Exception {
        assertThat(api.withRequestId("lc-upload-2").upload(app, sample("bug", null), "v2.tar.gz").status())
                .isEqualTo(202);
        JsonNode v2 = api.awaitStatus(app, 2, "FAILED");

        assertThat(v2.get("failure").get("stage").asString()).isEqualTo("TESTING");
        assertThat(v2.get("failure").get("reason").asString())
                .isEqualTo("test 'totals match source' failed: returned false");
        assertThat(v2.get("schemaExpiresAt").isNull()).isFalse();
        assertThat(liveVersions()).containsExactly(1, 1, 1);
        JsonNode details = api.get("/api/apps/" + app).json();
        assertThat(details.get("live").get("version").asInt()).isEqualTo(1);
        assertThat(details.get("process").get("version").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select max(version) from " + live + "_v2.daily_totals").query(Integer.class).single())
                .isEqualTo(2);
        assertThat(jdbc.sql("select rolcanlogin from pg_roles where rolname = :r").param("r", live + "_v2")
                .query(Boolean.class).single()).isFalse();
    }

    @Test
    @Order(3)
    void the_candidate_role_is_denied_on_live_tables_other_versions_and_undeclared_inputs() throws Exception {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("create table lake_" + org + ".undeclared (secret text)");
            st.execute("set role " + live + "_v2");
            for (String target : List.of(live + ".daily_totals", live + "_v1.daily_totals", "lake_" + org + ".sales")) {
                String sql = target.startsWith("lake_") ? "insert into " + target + " values (current_date, 1)"
                        : "insert into " + target + " values (current_date, 1, 2)";
                assertThat(error(st, sql)).as(target).contains("permission denied");
            }
            assertThat(error(st, "select * from " + live + ".daily_totals")).contains("permission denied");
            assertThat(error(st, "select * from lake_" + org + ".undeclared"))
                    .as("a lake table the app did not declare").contains("permission denied");
            assertThat(error(st, "select count(*) from lake_" + org + ".sales")).as("its declared input")
                    .isEqualTo("succeeded");
        }
    }

    @Test
    @Order(4)
    void a_passing_version_replaces_the_live_one_atomically_under_a_continuous_reader() throws Exception {
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicInteger sawNew = new AtomicInteger();
        ConcurrentLinkedQueue<String> problems = new ConcurrentLinkedQueue<>();
        Thread reader = new Thread(() -> {
            try (Connection c = superuser(); Statement st = c.createStatement()) {
                while (!stop.get()) {
                    try (ResultSet rs = st.executeQuery("select min(t.version), max(t.version), (select min(version) "
                            + "from " + live + ".run_info), (select max(version) from " + live + ".run_info) from "
                            + live + ".daily_totals t")) {
                        rs.next();
                        int a = rs.getInt(1);
                        if (a != rs.getInt(2) || a != rs.getInt(3) || a != rs.getInt(4)) {
                            problems.add("mixed versions " + a + "/" + rs.getInt(2) + "/" + rs.getInt(3) + "/"
                                    + rs.getInt(4));
                        }
                        if (a == 3) {
                            sawNew.incrementAndGet();
                        }
                        reads.incrementAndGet();
                    } catch (SQLException e) {
                        problems.add(e.getMessage());
                    }
                }
            } catch (SQLException e) {
                problems.add(e.getMessage());
            }
        }, "live-reader");
        reader.start();
        try {
            String probe = live + ".daily_totals," + live + "_v1.daily_totals";
            assertThat(api.withRequestId("lc-upload-3").upload(app, sample("ok", probe), "v3.tar.gz").status())
                    .isEqualTo(202);
            api.awaitStatus(app, 3, "LIVE");
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> sawNew.get() > 10);
        } finally {
            stop.set(true);
            reader.join(10_000);
        }
        assertThat(problems).isEmpty();
        assertThat(reads.get()).isGreaterThan(20);
        assertThat(liveVersions()).containsExactly(3, 3, 3);
        assertThat(api.version(app, 1).get("status").asString()).isEqualTo("RETIRED");
        // the new process is started once the replaced one has drained (drain-timeout)
        Awaitility.await("v3's process").atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode process = api.get("/api/apps/" + app).json().get("process");
            return process != null && !process.isNull() && process.get("version").asInt() == 3;
        });
        String logs = api.get("/api/apps/" + app + "/versions/3/logs").body();
        assertThat(logs).contains("PROBE " + live + ".daily_totals: ERROR: permission denied for schema " + live)
                .contains("PROBE " + live + "_v1.daily_totals: ERROR: permission denied for schema " + live + "_v1")
                .doesNotContain("WRITE SUCCEEDED");
    }

    @Test
    @Order(5)
    void rollback_restores_the_previous_good_version_tables_and_process() throws Exception {
        DeployApi.Response r = api.withRequestId("lc-rollback").post("/api/apps/" + app + "/rollback");
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("version").asInt()).isEqualTo(1);
        assertThat(r.json().get("previousVersion").asInt()).isEqualTo(3);
        assertThat(liveVersions()).containsExactly(1, 1, 1);
        assertThat(api.version(app, 3).get("status").asString()).isEqualTo("RETIRED");
        assertThat(api.version(app, 1).get("status").asString()).isEqualTo("LIVE");
        assertThat(api.get("/api/apps/" + app).json().get("process").get("version").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from app_version where app = :a and status = 'LIVE'").param("a", app)
                .query(Integer.class).single()).isEqualTo(1);
        // nothing older than v1 to go back to
        assertThat(api.post("/api/apps/" + app + "/rollback").status()).isEqualTo(409);
    }

    @Test
    @Order(6)
    void two_live_versions_are_impossible_in_the_database() {
        assertThatThrownBy(() -> jdbc.sql(
                "update app_version set status = 'LIVE' where app = :a and version = 3").param("a", app).update())
                .hasMessageContaining("app_version_one_live");
    }

    @Test
    @Order(7)
    void a_failed_candidate_schema_is_dropped_after_its_ttl() throws Exception {
        String v2 = live + "_v2";
        assertThat(jdbc.sql("select count(*) from pg_namespace where nspname = :s").param("s", v2)
                .query(Integer.class).single()).isOne();
        jdbc.sql("update app_version set schema_expires_at = now() - interval '1 second' where app = :a and version = 2")
                .param("a", app).update();
        retention.sweep();
        assertThat(jdbc.sql("select count(*) from pg_namespace where nspname = :s").param("s", v2)
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from pg_roles where rolname = :r").param("r", v2)
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select schema_dropped_at is not null from app_version where app = :a and version = 2")
                .param("a", app).query(Boolean.class).single()).isTrue();
        assertThat(liveVersions()).containsExactly(1, 1, 1);
    }

    @Test
    @Order(8)
    void every_stage_was_announced_on_deploy_events_with_the_request_that_caused_it() {
        List<String> types = new ArrayList<>();
        List<String> requestIds = new ArrayList<>();
        Map<String, Object> cfg = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<String> expected = List.of("VersionAssembled", "CandidateDeployed", "TestsPassed", "VersionPromoted",
                "VersionAssembled", "CandidateDeployed", "TestsFailed", "VersionAssembled", "CandidateDeployed",
                "TestsPassed", "VersionPromoted", "RolledBack");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cfg)) {
            consumer.subscribe(List.of("deploy.events"));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < deadline && types.size() < expected.size()) {
                for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                    if (app.equals(rec.key())) {
                        types.add(CloudEventCodec.read(rec).type());
                        var rid = rec.headers().lastHeader("ce_requestid");
                        requestIds.add(rid == null ? "-" : new String(rid.value(), StandardCharsets.UTF_8));
                    }
                }
            }
        }
        assertThat(types).containsExactlyElementsOf(expected);
        // a version's pipeline events carry its upload's X-Request-Id; the rollback carries its own request's
        assertThat(requestIds).containsExactly("lc-upload-1", "lc-upload-1", "lc-upload-1", "lc-upload-1",
                "lc-upload-2", "lc-upload-2", "lc-upload-2", "lc-upload-3", "lc-upload-3", "lc-upload-3",
                "lc-upload-3", "lc-rollback");
    }

    /** The version stamped in each live table, read in one statement. */
    private List<Integer> liveVersions() throws SQLException {
        try (Connection c = superuser(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("select min(t.version), max(t.version), (select max(version) from "
                        + live + ".run_info) from " + live + ".daily_totals t")) {
            rs.next();
            return List.of(rs.getInt(1), rs.getInt(2), rs.getInt(3));
        }
    }

    private String viewDefinition(String view) {
        return jdbc.sql("select pg_get_viewdef(cast(:v as regclass))").param("v", live + "." + view)
                .query(String.class).single();
    }

    private static String error(Statement st, String sql) {
        try {
            st.execute(sql);
            return "succeeded";
        } catch (SQLException e) {
            return e.getMessage();
        }
    }
}
