package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Flow 3, data-lake app → dataflow: ci-deploy-service promotes an app whose tables become lake datasets of its org;
 * a dataflow in dataflow-scheduler reads two of them. Promoting a new version publishes {@code VersionPromoted};
 * dataflow-scheduler enqueues the dataflows that read the app's datasets by itself, and their output is the new
 * version's data. The dataflow joins the two app tables on the version, so a mix of versions would yield no rows.
 */
@Order(30)
class LakeAppToDataflowIT {

    /** The demo's app (the demo script deploys the same one). */
    static final Path APP_SOURCES = Path.of("..", "demo", "lake-app");

    @Test
    void promoting_a_new_app_version_reruns_the_dataflows_that_read_it_with_that_versions_data() throws Exception {
        Stack stack = Stack.get();
        Api api = new Api(stack, Api.freshOrg("flow3"), "admin");
        String app = "scores" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        api.post(Stack.CI_DEPLOY, "/api/apps", "{\"name\": \"" + app + "\", \"description\": \"e2e scores\"}", 201);
        deploy(stack, api, app, 1);

        String prefix = app.replace('-', '_') + "__";
        String dataflow = api.post(Stack.DATAFLOW, "/api/dataflows", """
                {"name": "score_totals", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "%1$sscores"},
                  {"id": "i", "op": "source", "dataset": "%1$sinfo"},
                  {"id": "j", "op": "augment", "left": "s", "right": "i", "leftKey": ["version"],
                   "rightKey": ["info_version"], "columns": ["info_version"]},
                  {"id": "f", "op": "filter", "input": "j", "expr": "info_version is not null"},
                  {"id": "a", "op": "aggregate", "input": "f", "groupBy": ["version"],
                   "metrics": [{"fn": "sum", "column": "points", "as": "total"}, {"fn": "count", "as": "players"}]},
                  {"id": "out", "op": "register", "input": "a", "dataset": "score_totals"}]}""".formatted(prefix), 201)
                .path("id").asString();
        DataflowToDashboardIT.runToSuccess(api, dataflow);
        assertThat(totals(api)).isEqualTo("1:60:3");

        int runsBefore = api.get(Stack.DATAFLOW, "/api/runs?dataflowId=" + dataflow + "&limit=100").size();
        deploy(stack, api, app, 2);
        long promoted = System.nanoTime();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .untilAsserted(() -> assertThat(totals(api)).isEqualTo("2:120:3"));
        System.out.printf("flow 3: v2 LIVE → dataflow output shows v2 in %d ms%n", (System.nanoTime() - promoted) / 1_000_000);
        assertThat(api.get(Stack.DATAFLOW, "/api/runs?dataflowId=" + dataflow + "&limit=100").size())
                .as("the promotion enqueued the run, nobody requested it").isEqualTo(runsBefore + 1);
    }

    /** version:total:players of the dataflow's output (empty when the output has no rows). */
    private static String totals(Api api) {
        JsonNode rows = api.get(Stack.DATAFLOW, "/api/datasets/score_totals/rows?limit=10");
        StringBuilder out = new StringBuilder();
        rows.forEach(r -> out.append(out.length() == 0 ? "" : ";").append(r.path("version").asString()).append(':')
                .append(new java.math.BigDecimal(r.path("total").asString()).stripTrailingZeros().toPlainString())
                .append(':').append(r.path("players").asString()));
        return out.toString();
    }

    /** Uploads the app's bundle as version {@code expected} and waits until it is LIVE. */
    static void deploy(Stack stack, Api api, String app, int expected) throws IOException {
        byte[] bundle = bundle(app);
        String boundary = "----e2e" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"app.zip\"\r\n"
                + "Content-Type: application/zip\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(bundle);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = Api.send(HttpRequest.newBuilder(URI.create(stack.url(Stack.CI_DEPLOY) + "/api/apps/"
                + app + "/versions")).header("Authorization", "Bearer " + api.token())
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        int version = Api.JSON.readTree(r.body()).path("version").asInt();
        assertThat(version).isEqualTo(expected);
        await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            JsonNode v = api.get(Stack.CI_DEPLOY, "/api/apps/" + app + "/versions/" + version);
            assertThat(v.path("status").asString()).as(v.toString()).isNotEqualTo("FAILED").isEqualTo("LIVE");
        });
    }

    private static byte[] bundle(String app) throws IOException {
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            for (String file : new String[] {"app.yaml", "App.java"}) {
                String text = Files.readString(APP_SOURCES.resolve(file)).replace("${name}", app);
                out.putNextEntry(new ZipEntry(file));
                out.write(text.getBytes(StandardCharsets.UTF_8));
                out.closeEntry();
            }
        }
        return zip.toByteArray();
    }
}
