package com.dataplatform.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The run command's promise, end to end: the whole stack (real PostgreSQL, real Kafka, issuer, six service JVMs)
 * comes UP; the API needs a token and accepts a dev token; stopping it stops every service; what the services
 * wrote is still there after a restart. Runs on free ports so it does not collide with a running stack.
 */
class LocalStackIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String[] SERVICES = DeploymentFilesTest.SERVICES.toArray(String[]::new);
    private static final String[] MAINS = {"com.dataplatform.ci.deploy.CiDeployApplication",
            "com.dataplatform.stream.distributor.StreamDistributorApplication",
            "com.dataplatform.calendar.sync.CalendarSyncApplication",
            "com.dataplatform.bulk.extract.BulkExtractApplication",
            "com.dataplatform.dataflow.scheduler.DataflowSchedulerApplication",
            "com.dataplatform.analytics.embed.AnalyticsEmbedApplication"};

    @TempDir
    Path data;

    @Test
    void all_six_services_come_up_secured_stop_cleanly_and_their_data_survives_a_restart() throws Exception {
        Path root = Path.of("..").toAbsolutePath().normalize();
        assertThat(root.resolve("dataflow-scheduler/target/runtime-classpath.txt")).exists();
        int web = LocalServersRestartTest.freePort();
        int pg = LocalServersRestartTest.freePort();
        int kafka = LocalServersRestartTest.freePort();
        int controller = LocalServersRestartTest.freePort();
        int radicale = LocalServersRestartTest.freePort();
        List<String> args = new ArrayList<>(List.of("--server.port=" + web, "--local-stack.data-dir=" + data,
                "--local-stack.root=" + root, "--local-stack.postgres-port=" + pg, "--local-stack.kafka-port=" + kafka,
                "--local-stack.kafka-controller-port=" + controller, "--local-stack.issuer=http://localhost:" + web,
                "--local-stack.radicale-port=" + radicale));
        Map<String, Integer> ports = new LinkedHashMap<>();
        for (int i = 0; i < SERVICES.length; i++) {
            int port = LocalServersRestartTest.freePort();
            ports.put(SERVICES[i], port);
            args.add("--local-stack.services[" + i + "].name=" + SERVICES[i]);
            args.add("--local-stack.services[" + i + "].port=" + port);
            args.add("--local-stack.services[" + i + "].main-class=" + MAINS[i]);
        }

        try (ConfigurableApplicationContext stack = SpringApplication.run(LocalStackApplication.class,
                args.toArray(String[]::new))) {
            String token = issue(web, "{\"org\":\"demo\",\"roles\":[\"admin\"],\"ttlSeconds\":600}");
            for (Map.Entry<String, Integer> s : ports.entrySet()) {
                HttpResponse<String> health = get(s.getValue(), "/actuator/health", null);
                assertThat(health.body()).as(s.getKey()).contains("\"status\":\"UP\"");
                HttpResponse<String> anonymous = get(s.getValue(), "/api/anything", null);
                assertThat(anonymous.statusCode()).as(s.getKey()).isEqualTo(401);
                assertThat(anonymous.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                assertThat(get(s.getValue(), "/api/anything", token).statusCode()).as(s.getKey()).isNotEqualTo(401);
            }
            HttpResponse<String> badRequest = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web
                    + "/dev/tokens")).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"org\":\"Not An Org\"}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(badRequest.statusCode()).isEqualTo(400);
            assertThat(badRequest.body()).contains("org");

            HttpResponse<String> delivered = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + web
                    + "/dev/webhooks/it")).header("Content-Type", "application/json").header("X-Signature", "s1")
                    .POST(HttpRequest.BodyPublishers.ofString("{\"n\":1}")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(delivered.statusCode()).isEqualTo(204);
            String inbox = get(web, "/dev/webhooks/it", null).body();
            assertThat(inbox).contains("{\\\"n\\\":1}").contains("\"x-signature\":\"s1\"");
            if (Files.isExecutable(Path.of("/usr/bin/radicale"))) { // .ci/run installs it; the stack runs without it
                HttpResponse<String> dav = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + radicale
                        + "/it/")).method("PROPFIND", HttpRequest.BodyPublishers.noBody()).header("Depth", "0")
                        .header("Authorization", "Basic aXQ6eA==").build(), HttpResponse.BodyHandlers.ofString());
                assertThat(dav.statusCode()).as(dav.body()).isEqualTo(207);
            }
        }
        for (Map.Entry<String, Integer> s : ports.entrySet()) {
            assertThat(ServiceFleet.isUp(new LocalStackProperties.Service(s.getKey(), s.getValue(), "x")))
                    .as(s.getKey() + " still up after the stack stopped").isFalse();
        }
        assertThat(Files.readString(data.resolve("logs/dataflow-scheduler.log"))).contains("Started");

        try (ConfigurableApplicationContext again = SpringApplication.run(LocalStackApplication.class,
                concat(args, "--local-stack.launch-services=false"))) {
            JdbcClient jdbc = JdbcClient.create(again.getBean(LocalPostgres.class).dataSource());
            for (String schema : new String[] {"ci_deploy", "stream_distributor", "calendar_sync", "bulk_extract",
                    "dataflow_scheduler", "analytics_embed"}) {
                assertThat(jdbc.sql("select count(*) from " + schema + ".flyway_schema_history").query(Integer.class)
                        .single()).as(schema).isPositive();
            }
            try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", "localhost:" + kafka))) {
                assertThat(admin.listTopics().names().get()).contains("datasets.changes", "deploy.events",
                        "extract.records", "calendar.events", "embed.views", "streams.ownership");
            }
        }
    }

    private static String[] concat(List<String> args, String extra) {
        List<String> all = new ArrayList<>(args);
        all.add(extra);
        return all.toArray(String[]::new);
    }

    private static String issue(int port, String body) throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/dev/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String json = r.body();
        int start = json.indexOf("\"token\":\"") + 9;
        return json.substring(start, json.indexOf('"', start));
    }

    private static HttpResponse<String> get(int port, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
