package com.dataplatform.dataflow.scheduler.execution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class ExecutionIT extends ApiTestBase {

    private final String org = newOrg();

    static final String EU_TOTALS = """
            {"name": "eu_totals", "type": "reporting", "nodes": [
              {"id": "src", "op": "source", "dataset": "sales"},
              {"id": "eu",  "op": "filter", "input": "src", "expr": "region = 'EU' and amount > 0"},
              {"id": "k",   "op": "compute", "input": "eu", "column": "amount_k", "expr": "amount / 1000"},
              {"id": "p",   "op": "source", "dataset": "prices"},
              {"id": "j",   "op": "augment", "left": "k", "right": "p", "leftKey": ["product"], "rightKey": ["product"], "columns": ["price"]},
              {"id": "agg", "op": "aggregate", "input": "j", "groupBy": ["product"], "metrics": [
                 {"fn": "sum", "column": "amount", "as": "total"}, {"fn": "count", "as": "n"},
                 {"fn": "avg", "column": "amount_k", "as": "avg_k"}, {"fn": "max", "column": "price", "as": "price"},
                 {"fn": "min", "column": "id", "as": "first_id"}]},
              {"id": "out", "op": "register", "input": "agg", "dataset": "eu_totals"}]}""";

    @BeforeEach
    void datasets() throws Exception {
        assertThat(putCsv(org, "sales", """
                id,region,product,amount
                1,EU,a,1000
                2,EU,b,3000
                3,US,a,500
                4,EU,a,2000
                5,EU,c,-10
                6,EU,d,
                """).status()).isEqualTo(200);
        assertThat(putCsv(org, "prices", "product,price\na,1.5\nb,2.25\n").status()).isEqualTo(200);
    }

    private JsonNode runToEnd(String dataflowId) throws Exception {
        Response queued = postJson(org, "/api/dataflows/" + dataflowId + "/runs", null);
        assertThat(queued.status()).as(queued.body()).isEqualTo(202);
        String runId = queued.json().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            String s = get(org, "/api/runs/" + runId).json().path("status").asString();
            return s.equals("SUCCEEDED") || s.equals("FAILED");
        });
        return get(org, "/api/runs/" + runId).json();
    }

    @Test
    void the_issue_example_runs_every_op_and_produces_hand_computed_rows() throws Exception {
        Response created = postJson(org, "/api/dataflows", EU_TOTALS);
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.json().path("version").asInt()).isEqualTo(1);
        assertThat(created.json().path("reads").toString()).isEqualTo("[\"prices\",\"sales\"]");
        assertThat(created.json().path("writes").toString()).isEqualTo("[\"eu_totals\"]");

        JsonNode run = runToEnd(created.json().path("id").asString());
        assertThat(run.path("status").asString()).as(run.toString()).isEqualTo("SUCCEEDED");
        assertThat(run.path("startedAt").isNull()).isFalse();

        JsonNode rows = get(org, "/api/datasets/eu_totals/rows").json();
        // EU and amount > 0: ids 1 (a, 1000), 2 (b, 3000), 4 (a, 2000); prices a=1.5, b=2.25.
        assertThat(rows).hasSize(2);
        Map<String, JsonNode> byProduct = Map.of(rows.get(0).path("product").asString(), rows.get(0),
                rows.get(1).path("product").asString(), rows.get(1));
        assertThat(byProduct.get("a").path("total").asLong()).isEqualTo(3000);
        assertThat(byProduct.get("a").path("n").asLong()).isEqualTo(2);
        assertThat(byProduct.get("a").path("avg_k").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(byProduct.get("a").path("price").decimalValue()).isEqualByComparingTo("1.5");
        assertThat(byProduct.get("a").path("first_id").asLong()).isEqualTo(1);
        assertThat(byProduct.get("b").path("total").asLong()).isEqualTo(3000);
        assertThat(byProduct.get("b").path("n").asLong()).isEqualTo(1);
        assertThat(byProduct.get("b").path("avg_k").decimalValue()).isEqualByComparingTo("3");
        assertThat(byProduct.get("b").path("price").decimalValue()).isEqualByComparingTo("2.25");

        JsonNode ds = get(org, "/api/datasets/eu_totals").json();
        assertThat(ds.path("version").asLong()).isEqualTo(1);
        assertThat(ds.path("rowCount").asLong()).isEqualTo(2);

        String runId = run.path("id").asString();
        List<ReceivedEvent> runEvents = readTopic(TopicCatalog.DATAFLOW_RUNS.name(), Duration.ofSeconds(60),
                l -> l.stream().filter(r -> r.key().equals(runId)).count() >= 3)
                .stream().filter(r -> r.key().equals(runId)).map(CloudEventCodec::read).toList();
        assertThat(runEvents).extracting(ReceivedEvent::type).containsExactly("RunQueued", "RunStarted", "RunSucceeded");
        List<ReceivedEvent> dsEvents = readTopic(TopicCatalog.DATASETS_CHANGES.name(), Duration.ofSeconds(60),
                l -> l.stream().anyMatch(r -> r.key().equals(org + ".eu_totals")))
                .stream().filter(r -> r.key().equals(org + ".eu_totals")).map(CloudEventCodec::read).toList();
        assertThat(dsEvents).hasSize(1);
        assertThat(new String(dsEvents.get(0).data())).contains("\"rowCount\":2").contains("\"version\":1");
    }

    @Test
    void health_includes_the_dispatcher_loop_and_metrics_expose_the_queue() throws Exception {
        String flow = postJson(org, "/api/dataflows", """
                {"name": "m", "type": "metered", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "m_out"}]}""").json().path("id").asString();
        assertThat(runToEnd(flow).path("status").asString()).isEqualTo("SUCCEEDED");
        JsonNode health = get(org, "/actuator/health").json();
        assertThat(health.path("components").path("dispatcher").path("status").asString()).isEqualTo("UP");
        java.net.http.HttpResponse<String> prometheus = java.net.http.HttpClient.newHttpClient().send(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://localhost:" + port + "/actuator/prometheus"))
                        .header("Authorization", "Bearer " + com.dataplatform.testsupport.TestJwts.token(org, "ops")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(prometheus.body()).contains("dataflow_dispatch_latency_seconds_count", "dataflow_run_wait_seconds_bucket",
                "dataflow_runs_total{", "dataflow_lease_expiries_total", "dataflow_runs_blocked",
                "dataflow_runs_running");
    }

    @Test
    void a_failing_run_is_failed_with_the_database_error_and_leaves_the_previous_version_intact() throws Exception {
        String good = postJson(org, "/api/dataflows", """
                {"name": "copy", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "f", "op": "filter", "input": "s", "expr": "region = 'US'"},
                  {"id": "o", "op": "register", "input": "f", "dataset": "target"}]}""").json().path("id").asString();
        assertThat(runToEnd(good).path("status").asString()).isEqualTo("SUCCEEDED");
        String bad = postJson(org, "/api/dataflows", """
                {"name": "broken", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "c", "op": "compute", "input": "s", "column": "boom", "expr": "amount / (id - id)"},
                  {"id": "o", "op": "register", "input": "c", "dataset": "target"}]}""").json().path("id").asString();
        JsonNode failed = runToEnd(bad);
        assertThat(failed.path("status").asString()).isEqualTo("FAILED");
        assertThat(failed.path("error").asString()).contains("division by zero");
        JsonNode target = get(org, "/api/datasets/target").json();
        assertThat(target.path("version").asLong()).isEqualTo(1);
        assertThat(get(org, "/api/datasets/target/rows").json()).hasSize(1);
        assertThat(get(org, "/api/locks").json()).isEmpty();
        Integer tmpTables = jdbc.sql("select count(*) from pg_tables where schemaname = :s and tablename like '\\_w%'")
                .param("s", "lake_" + org).query(Integer.class).single();
        assertThat(tmpTables).isZero();
    }

    @Test
    void injection_attempts_are_rejected_or_bound_as_values() throws Exception {
        Response badDataset = postJson(org, "/api/dataflows", """
                {"name": "inj", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "x; drop table y"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "z"}]}""");
        assertThat(badDataset.status()).isEqualTo(400);
        assertThat(badDataset.json().path("field").asString()).isEqualTo("nodes[0].dataset");

        Response statement = postJson(org, "/api/dataflows", """
                {"name": "inj", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "f", "op": "filter", "input": "s", "expr": "region = 'EU'; drop table sales"},
                  {"id": "o", "op": "register", "input": "f", "dataset": "z"}]}""");
        assertThat(statement.status()).isEqualTo(400);
        assertThat(statement.json().path("field").asString()).isEqualTo("nodes[1].expr");

        Response quotedColumn = postJson(org, "/api/dataflows", """
                {"name": "inj", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "c", "op": "compute", "input": "s", "column": "x\\" text); drop table sales; --", "expr": "1"},
                  {"id": "o", "op": "register", "input": "c", "dataset": "z"}]}""");
        assertThat(quotedColumn.status()).isEqualTo(400);
        assertThat(quotedColumn.json().path("field").asString()).isEqualTo("nodes[1].column");

        String literal = postJson(org, "/api/dataflows", """
                {"name": "inj", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "f", "op": "filter", "input": "s", "expr": "region = 'x'' or 1=1; drop table sales; --'"},
                  {"id": "o", "op": "register", "input": "f", "dataset": "z"}]}""").json().path("id").asString();
        assertThat(runToEnd(literal).path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(get(org, "/api/datasets/z").json().path("rowCount").asLong()).isZero();
        assertThat(get(org, "/api/datasets/sales").json().path("rowCount").asLong()).isEqualTo(6);
    }
}
