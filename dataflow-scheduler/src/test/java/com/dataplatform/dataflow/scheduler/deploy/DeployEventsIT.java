package com.dataplatform.dataflow.scheduler.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import com.dataplatform.testsupport.SuiteKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Flow 3 on real PostgreSQL and Kafka: an app's live view registered in the lake catalog the way ci-deploy-service
 * does it (SQL here: ci-deploy cannot run in this module), a dataflow reading it, and VersionPromoted / RolledBack
 * events on deploy.events re-running that dataflow.
 */
class DeployEventsIT extends ApiTestBase {

    private static final CloudEventCodec CODEC = new CloudEventCodec(JSON, "urn:dataplatform:ci-deploy-service");

    private final String org = newOrg();
    private final String app = "shop-" + randomLetters(10);
    private final String appSql = app.replace('-', '_');
    private final String dataset = appSql + "__orders";
    private String totalsFlow;
    private String otherFlow;

    @Autowired
    private TransactionTemplate tx;

    private static String randomLetters(int n) {
        StringBuilder sb = new StringBuilder();
        java.util.concurrent.ThreadLocalRandom r = java.util.concurrent.ThreadLocalRandom.current();
        for (int i = 0; i < n; i++) {
            sb.append((char) ('a' + r.nextInt(26)));
        }
        return sb.toString();
    }

    @BeforeAll
    static void deployTopic() throws Exception {
        // deploy.events belongs to ci-deploy-service (which creates it); the test broker does not auto-create topics.
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SuiteKafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(TopicCatalog.DEPLOY_EVENTS.name(), 3, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @BeforeEach
    void appAndDataflows() throws Exception {
        deployVersion(1, "('EU', 10), ('EU', 5), ('US', 7)");
        promoteInDatabase(1);
        Response created = postJson(org, "/api/dataflows", """
                {"name": "region_totals", "type": "reporting", "nodes": [
                  {"id": "s", "op": "source", "dataset": "%s"},
                  {"id": "g", "op": "aggregate", "input": "s", "groupBy": ["region"], "metrics": [
                     {"fn": "sum", "column": "amount", "as": "total"}, {"fn": "count", "as": "n"}]},
                  {"id": "o", "op": "register", "input": "g", "dataset": "region_totals"}]}""".formatted(dataset));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("reads").toString()).isEqualTo("[\"" + dataset + "\"]");
        totalsFlow = created.json().path("id").asString();
        assertThat(putCsv(org, "plain", "id\n1\n").status()).isEqualTo(200);
        Response other = postJson(org, "/api/dataflows", """
                {"name": "plain_copy", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "plain"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "plain_copy"}]}""");
        assertThat(other.status()).as(other.body()).isEqualTo(201);
        otherFlow = other.json().path("id").asString();
    }

    /** The version schema and its table, as ci-deploy's assembly leaves them (immutable once tested). */
    private void deployVersion(int version, String rows) {
        String schema = "\"app_" + appSql + "_v" + version + "\"";
        jdbc.sql("create schema " + schema).update();
        jdbc.sql("create table " + schema + ".orders (region text, amount integer)").update();
        jdbc.sql("insert into " + schema + ".orders values " + rows).update();
    }

    /** What ci-deploy's Cutover does in ONE transaction: (re)point the live view, upsert the catalog row. */
    private void promoteInDatabase(int version) {
        String live = "\"app_" + appSql + "\"";
        tx.executeWithoutResult(s -> {
            jdbc.sql("create schema if not exists " + live).update();
            jdbc.sql("create or replace view " + live + ".\"orders\" as select * from \"app_" + appSql + "_v" + version
                    + "\".\"orders\"").update();
            jdbc.sql("""
                    insert into lake.datasets (org, name, version, row_count, columns, relation, producer, updated_at)
                    values (:org, :name, 1, :rows, cast(:columns as jsonb), :relation, :producer, now())
                    on conflict (org, name) do update set version = lake.datasets.version + 1,
                        row_count = excluded.row_count, relation = excluded.relation, updated_at = now()""")
                    .param("org", org).param("name", dataset)
                    .param("rows", jdbc.sql("select count(*) from " + live + ".\"orders\"").query(Long.class).single())
                    .param("columns", "[{\"name\":\"region\",\"type\":\"text\"},{\"name\":\"amount\",\"type\":\"integer\"}]")
                    .param("relation", live + ".\"orders\"").param("producer", "ci-deploy-service:" + app).update();
        });
    }

    private ProducerRecord<String, byte[]> event(String tenant, String type, String appName, int version,
            Integer previous) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("app", appName);
        data.put("version", version);
        data.put("previousVersion", previous);
        data.put("tables", List.of("orders"));
        return CODEC.toRecord(OutgoingEvent.of(TopicCatalog.DEPLOY_EVENTS, type, appName, tenant, appName, data),
                OffsetDateTime.now());
    }

    private static void send(ProducerRecord<String, byte[]> record) throws Exception {
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg)) {
            producer.send(record).get();
        }
    }

    private List<String> runs(String dataflowId) {
        return jdbc.sql("select status from run where org = :org and dataflow_id = cast(:df as uuid) order by seq")
                .param("org", org).param("df", dataflowId).query(String.class).list();
    }

    private void awaitRuns(String dataflowId, String... statuses) {
        await().atMost(Duration.ofSeconds(60)).until(() -> runs(dataflowId).equals(List.of(statuses)));
    }

    private Map<String, String> totals() throws Exception {
        Map<String, String> out = new LinkedHashMap<>();
        for (JsonNode row : get(org, "/api/datasets/region_totals/rows").json()) {
            out.put(row.path("region").asString(), row.path("total").asLong() + "/" + row.path("n").asLong());
        }
        return out;
    }

    @Test
    void a_promotion_runs_the_dataflows_reading_the_app_and_each_run_sees_the_promoted_version() throws Exception {
        send(event(org, "VersionPromoted", app, 1, null));
        awaitRuns(totalsFlow, "SUCCEEDED");
        assertThat(totals()).containsExactlyInAnyOrderEntriesOf(Map.of("EU", "15/2", "US", "7/1"));
        assertThat(runs(otherFlow)).isEmpty();
        String key = jdbc.sql("select idempotency_key from run where org = :org").param("org", org)
                .query(String.class).single();
        assertThat(key).startsWith("deploy:").endsWith(":" + totalsFlow);

        deployVersion(2, "('EU', 100), ('APAC', 1), ('APAC', 2)");
        promoteInDatabase(2);
        ProducerRecord<String, byte[]> second = event(org, "VersionPromoted", app, 2, 1);
        send(second);
        awaitRuns(totalsFlow, "SUCCEEDED", "SUCCEEDED");
        assertThat(totals()).containsExactlyInAnyOrderEntriesOf(Map.of("EU", "100/1", "APAC", "3/2"));

        // a redelivery of the second promotion (same ce_id), then a rollback to version 1 on the same key: once
        // the rollback's run exists, the redelivery before it has been handled — and it enqueued nothing
        send(second);
        promoteInDatabase(1);
        send(event(org, "RolledBack", app, 1, 2));
        awaitRuns(totalsFlow, "SUCCEEDED", "SUCCEEDED", "SUCCEEDED");
        assertThat(totals()).containsExactlyInAnyOrderEntriesOf(Map.of("EU", "15/2", "US", "7/1"));
        assertThat(runs(otherFlow)).isEmpty();
    }

    @Test
    void events_of_another_org_or_another_app_and_other_stages_enqueue_nothing_here() throws Exception {
        String stranger = newOrg();
        send(event(stranger, "VersionPromoted", app, 1, null)); // same app name, another org's tenant
        send(event(org, "VersionPromoted", "other-app", 1, null));
        send(event(org, "TestsPassed", app, 1, null));
        send(event(org, "VersionFailed", app, 1, null));
        // the marker goes to the same partition as the first, third and fourth (key = app name)
        send(event(org, "VersionPromoted", app, 1, null));
        awaitRuns(totalsFlow, "SUCCEEDED");
        assertThat(jdbc.sql("select count(*) from run where org = :o").param("o", stranger).query(Integer.class)
                .single()).isZero();
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
                .until(() -> runs(totalsFlow).size() == 1 && runs(otherFlow).isEmpty());
    }

    @Test
    void a_malformed_promotion_goes_to_the_dead_letter_topic_and_enqueues_nothing() throws Exception {
        String marker = "bad-" + UUID.randomUUID();
        send(event(org, "VersionPromoted", "Not An App " + marker, 1, null));
        ProducerRecord<String, byte[]> notJson = new ProducerRecord<>(TopicCatalog.DEPLOY_EVENTS.name(), app,
                ("not json " + marker).getBytes(StandardCharsets.UTF_8));
        event(org, "VersionPromoted", app, 1, null).headers().forEach(h -> notJson.headers().add(h));
        send(notJson);
        List<ConsumerRecord<String, byte[]>> dead = readTopic(TopicCatalog.DEPLOY_EVENTS.deadLetterTopic(),
                Duration.ofSeconds(60), got -> got.stream()
                        .filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)).count() == 2);
        assertThat(dead.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)))
                .hasSize(2);
        assertThat(runs(totalsFlow)).isEmpty();
    }

    @Test
    void a_catalog_relation_outside_the_allowed_forms_fails_the_run_with_a_clear_error() throws Exception {
        jdbc.sql("""
                update lake.datasets set relation = '"pg_catalog"."pg_roles"' where org = :org and name = :name""")
                .param("org", org).param("name", dataset).update();
        send(event(org, "VersionPromoted", app, 1, null));
        awaitRuns(totalsFlow, "FAILED");
        String error = jdbc.sql("select error from run where org = :org and dataflow_id = cast(:df as uuid)")
                .param("org", org).param("df", totalsFlow).query(String.class).single();
        assertThat(error).contains("source dataset '" + dataset + "' cannot be read")
                .contains("\"pg_catalog\".\"pg_roles\"").contains("is not allowed");
        assertThat(get(org, "/api/datasets/region_totals").status()).isEqualTo(404);
    }

    /**
     * A run writing two outputs from two views of one app (two statements in one transaction) while cutovers, made as
     * ci-deploy's (one transaction, lock_timeout, retried), repoint both views again and again: each run's outputs
     * come from one version. Running the registers in separate transactions would break this.
     */
    @Test
    void a_run_reading_two_views_of_an_app_during_promotions_never_mixes_versions() throws Exception {
        long seed = System.nanoTime();
        System.out.println("a_run_reading_two_views_of_an_app_during_promotions_never_mixes_versions seed=" + seed);
        java.util.Random random = new java.util.Random(seed);
        String mixApp = appSql + "_m";
        int versions = 6;
        for (int v = 1; v <= versions; v++) {
            String schema = "\"app_" + mixApp + "_v" + v + "\"";
            jdbc.sql("create schema " + schema).update();
            for (String t : List.of("a", "b")) {
                jdbc.sql("create table " + schema + "." + t + " as select " + v + " as v, g as id "
                        + "from generate_series(1, 100000) g").update();
            }
        }
        cutOver(mixApp, 1, java.time.Duration.ofSeconds(5));
        Response created = postJson(org, "/api/dataflows", """
                {"name": "two_views", "type": "mix", "nodes": [
                  {"id": "a", "op": "source", "dataset": "%1$s__a"},
                  {"id": "ga", "op": "aggregate", "input": "a", "groupBy": [], "metrics": [
                     {"fn": "min", "column": "v", "as": "lo"}, {"fn": "max", "column": "v", "as": "hi"}]},
                  {"id": "oa", "op": "register", "input": "ga", "dataset": "mix_a"},
                  {"id": "b", "op": "source", "dataset": "%1$s__b"},
                  {"id": "gb", "op": "aggregate", "input": "b", "groupBy": [], "metrics": [
                     {"fn": "min", "column": "v", "as": "lo"}, {"fn": "max", "column": "v", "as": "hi"}]},
                  {"id": "ob", "op": "register", "input": "gb", "dataset": "mix_b"}]}""".formatted(mixApp));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String flow = created.json().path("id").asString();

        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.concurrent.atomic.AtomicInteger cutovers = new java.util.concurrent.atomic.AtomicInteger();
        Thread promoter = new Thread(() -> {
            int v = 1;
            while (!stop.get()) {
                v = v % versions + 1;
                cutOver(mixApp, v, java.time.Duration.ofMillis(50));
                cutovers.incrementAndGet();
                try {
                    Thread.sleep(random.nextInt(40));
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
        promoter.start();
        java.util.Set<Integer> seen = new java.util.TreeSet<>();
        try {
            for (int i = 0; i < 15; i++) {
                String runId = postJson(org, "/api/dataflows/" + flow + "/runs", null).json().path("id").asString();
                await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql("select status from run where id = "
                        + "cast(:id as uuid)").param("id", runId).query(String.class).single().equals("SUCCEEDED"));
                Map<String, Object> out = jdbc.sql("select (select lo from " + lake("mix_a") + ") as alo, (select hi "
                        + "from " + lake("mix_a") + ") as ahi, (select lo from " + lake("mix_b") + ") as blo, "
                        + "(select hi from " + lake("mix_b") + ") as bhi").query().singleRow();
                assertThat(java.util.Set.copyOf(out.values())).as("run %d (seed %d): %s", i, seed, out).hasSize(1);
                seen.add(((Number) out.get("alo")).intValue());
            }
        } finally {
            stop.set(true);
            promoter.join(30_000);
        }
        System.out.println("versions seen by runs: " + seen + ", cutovers: " + cutovers.get());
        assertThat(cutovers.get()).as("cutovers happened during the runs").isGreaterThan(5);
    }

    private String lake(String datasetName) {
        return "\"lake_" + org + "\".\"" + datasetName + "\"";
    }

    /** ci-deploy's cutover for views a and b of an app (b first), retried on lock timeouts like Cutover.swap. */
    private void cutOver(String appSqlName, int version, java.time.Duration lockTimeout) {
        String live = "\"app_" + appSqlName + "\"";
        for (int attempt = 0; ; attempt++) {
            try {
                tx.executeWithoutResult(s -> {
                    jdbc.sql("select set_config('lock_timeout', :t, true)").param("t", lockTimeout.toMillis() + "ms")
                            .query().singleValue();
                    jdbc.sql("create schema if not exists " + live).update();
                    for (String t : List.of("b", "a")) {
                        jdbc.sql("create or replace view " + live + "." + t + " as select * from \"app_" + appSqlName
                                + "_v" + version + "\"." + t).update();
                        jdbc.sql("""
                                insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                                values (:org, :name, 1, 100000, cast(:columns as jsonb), :relation, :producer)
                                on conflict (org, name) do update set version = lake.datasets.version + 1""")
                                .param("org", org).param("name", appSqlName + "__" + t)
                                .param("columns", "[{\"name\":\"v\",\"type\":\"integer\"},{\"name\":\"id\",\"type\":\"integer\"}]")
                                .param("relation", live + "." + t)
                                .param("producer", "ci-deploy-service:" + appSqlName.replace('_', '-')).update();
                    }
                });
                return;
            } catch (org.springframework.dao.DataAccessException e) {
                if (attempt > 2000) {
                    throw e;
                }
                try {
                    Thread.sleep(5);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Test
    void the_apps_dataset_reads_through_the_api_and_is_never_overwritten_by_an_upload_or_a_run() throws Exception {
        JsonNode info = get(org, "/api/datasets/" + dataset).json();
        assertThat(info.path("columns").toString())
                .isEqualTo("[{\"name\":\"region\",\"type\":\"text\"},{\"name\":\"amount\",\"type\":\"bigint\"}]");
        assertThat(get(org, "/api/datasets/" + dataset + "/rows").json()).hasSize(3);

        Response upload = putCsv(org, dataset, "region,amount\nXX,1\n");
        assertThat(upload.status()).as(upload.body()).isEqualTo(409);
        assertThat(upload.json().path("detail").asString()).contains("ci-deploy-service:" + app);
        Response hijack = postJson(org, "/api/dataflows", """
                {"name": "hijack", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "plain"},
                  {"id": "c", "op": "compute", "input": "s", "column": "region", "expr": "'XX'"},
                  {"id": "o", "op": "register", "input": "c", "dataset": "%s"}]}""".formatted(dataset));
        assertThat(hijack.status()).as(hijack.body()).isEqualTo(201);
        String runId = postJson(org, "/api/dataflows/" + hijack.json().path("id").asString() + "/runs", null)
                .json().path("id").asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> get(org, "/api/runs/" + runId).json().path("status").asString().equals("FAILED"));
        assertThat(get(org, "/api/runs/" + runId).json().path("error").asString())
                .contains("is produced by ci-deploy-service:" + app);
        Map<String, Object> row = jdbc.sql("select relation, producer, version from lake.datasets "
                + "where org = :org and name = :name").param("org", org).param("name", dataset).query().singleRow();
        assertThat(row).containsEntry("relation", "\"app_" + appSql + "\".\"orders\"")
                .containsEntry("producer", "ci-deploy-service:" + app).containsEntry("version", 1L);
        assertThat(get(org, "/api/datasets/" + dataset + "/rows").json()).hasSize(3);
    }

    @Test
    void an_apps_view_named_by_a_dataset_it_did_not_register_fails_the_run() throws Exception {
        // a dataset of this org pointing at the app's live view, registered by someone else
        jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                values (:org, 'borrowed', 1, 0, '[{"name":"region","type":"text"},{"name":"amount","type":"integer"}]',
                        :relation, 'dataflow-scheduler')""")
                .param("org", org).param("relation", "\"app_" + appSql + "\".\"orders\"").update();
        Response created = postJson(org, "/api/dataflows", """
                {"name": "borrowing", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "borrowed"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "borrowed_copy"}]}""");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String runId = postJson(org, "/api/dataflows/" + created.json().path("id").asString() + "/runs", null)
                .json().path("id").asString();
        await().atMost(Duration.ofSeconds(60))
                .until(() -> get(org, "/api/runs/" + runId).json().path("status").asString().equals("FAILED"));
        assertThat(get(org, "/api/runs/" + runId).json().path("error").asString())
                .contains("source dataset 'borrowed' cannot be read").contains("ci-deploy-service:" + app);
    }
}
