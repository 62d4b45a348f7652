package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.time.Duration;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import tools.jackson.databind.JsonNode;

/**
 * Flow 1, dataflow → dashboard: a CSV upload and a dataflow in dataflow-scheduler write a lake dataset; a page in
 * analytics-embed shows it in a real browser; new data and a new run change what the page shows within seconds,
 * carried only by the {@code DatasetUpdated} event on Kafka — no restart, no cache flush by hand.
 */
@Order(10)
class DataflowToDashboardIT {

    static Stack stack;
    static Browser browser;

    @BeforeAll
    static void start() throws Exception {
        stack = Stack.get();
        browser = new Browser();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.close();
        }
    }

    @Test
    void a_new_run_of_the_dataflow_changes_the_embedded_numbers_within_seconds() {
        Api api = new Api(stack, Api.freshOrg("flow1"), "admin");
        api.call(Stack.DATAFLOW, "PUT", "/api/datasets/sales", "text/csv", """
                id,region,amount
                1,EU,1000
                2,EU,3000
                3,US,500
                """, 200);
        String dataflow = api.post(Stack.DATAFLOW, "/api/dataflows", """
                {"name": "region_totals", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "sales"},
                  {"id": "a", "op": "aggregate", "input": "s", "groupBy": ["region"],
                   "metrics": [{"fn": "sum", "column": "amount", "as": "total"}]},
                  {"id": "out", "op": "register", "input": "a", "dataset": "region_totals"}]}""", 201)
                .path("id").asString();
        runToSuccess(api, dataflow);

        JsonNode page = api.post(Stack.ANALYTICS, "/api/pages", """
                {"slug": "regions", "title": "Sales by region",
                 "blocks": [{"type": "markdown", "text": "Totals per **region**"}], "allowedOrigins": []}""", 201);
        String pageId = page.path("id").asString();
        api.post(Stack.ANALYTICS, "/api/pages/" + pageId + "/embeds", """
                {"title": "Totals", "dataset": "region_totals",
                 "query": {"groupBy": ["region"], "metrics": [{"fn": "sum", "column": "total", "as": "total"}],
                           "orderBy": [{"column": "region", "direction": "asc"}], "limit": 10},
                 "visualization": "table", "position": {"row": 0, "col": 0, "width": 6, "height": 4},
                 "allowedFilterColumns": []}""", 201);
        String url = api.post(Stack.ANALYTICS, "/api/pages/" + pageId + "/tokens", "{\"ttlSeconds\": 900}", 201)
                .path("url").asString();

        assertThat(rows(url)).containsExactly("EU 4000", "US 500");

        String requestId = "e2e-flow1-" + api.org();
        HttpResponse<String> upload = api.raw(Stack.DATAFLOW, "PUT", "/api/datasets/sales", "text/csv", """
                id,region,amount
                1,EU,1000
                2,EU,3000
                3,US,500
                4,US,2500
                5,APAC,70
                """, requestId);
        assertThat(upload.statusCode()).as(upload.body()).isEqualTo(200);
        assertThat(upload.headers().firstValue("X-Request-Id")).hasValue(requestId);
        runToSuccess(api, dataflow);
        long succeeded = System.nanoTime();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(rows(url)).containsExactly("APAC 70", "EU 4000", "US 3000"));
        System.out.printf("flow 1: run SUCCEEDED → page shows the new numbers in %d ms%n",
                (System.nanoTime() - succeeded) / 1_000_000);

        // one flow followed across services: the upload's X-Request-Id rides its DatasetUpdated event (ce_requestid)
        // and appears, with the event's id, on analytics-embed's JSON log line for the invalidation it caused
        ConsumerRecord<String, byte[]> event = Topics.ofTenant(stack.kafkaBootstrap(), "datasets.changes", api.org())
                .stream().filter(r -> requestId.equals(Topics.header(r, "ce_requestid"))).findFirst().orElseThrow(
                        () -> new AssertionError("no DatasetUpdated of " + api.org() + " carries " + requestId));
        String eventId = Topics.header(event, "ce_id");
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(
                Files.readAllLines(stack.log(Stack.ANALYTICS)).stream().filter(l -> l.startsWith("{"))
                        .map(l -> Api.JSON.readTree(l))
                        .filter(j -> requestId.equals(j.path("requestId").asString())
                                && eventId.equals(j.path("eventId").asString())
                                && api.org().equals(j.path("tenant").asString())))
                .as("a JSON log line of analytics-embed with requestId, eventId and tenant").isNotEmpty());
    }

    private java.util.List<String> rows(String url) {
        browser.text(url);
        return browser.driver().findElements(By.cssSelector("table tbody tr")).stream()
                .map(WebElement::getText).map(t -> t.replaceAll("\\s+", " ").trim()).toList();
    }

    static void runToSuccess(Api api, String dataflow) {
        String run = api.post(Stack.DATAFLOW, "/api/dataflows/" + dataflow + "/runs", "{}", 202).path("id").asString();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            JsonNode r = api.get(Stack.DATAFLOW, "/api/runs/" + run);
            assertThat(r.path("status").asString()).as(r.toString()).isIn("QUEUED", "RUNNING", "SUCCEEDED")
                    .isEqualTo("SUCCEEDED");
        });
    }
}
