package com.dataplatform.testsupport.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.awaitility.Awaitility;
import com.dataplatform.testsupport.TestJwts;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Every error a request can end in is RFC 9457 problem+json, and the tenant comes from the token only. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class CommonWebIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    private HttpResponse<String> send(String method, String path, String contentType, HttpRequest.BodyPublisher body)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", TestJwts.bearer("acme", "admin"))
                .method(method, body);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postJson(String path, String json) throws Exception {
        return send("POST", path, "application/json", HttpRequest.BodyPublishers.ofString(json));
    }

    private static JsonNode problem(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(r.body());
        assertThat(body.path("status").asInt()).isEqualTo(status);
        assertThat(body.path("title").asString()).isNotBlank();
        return body;
    }

    @Test
    void an_event_published_during_a_request_carries_its_request_id_into_the_consumers_logging_context()
            throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", SuiteKafka.bootstrapServers()))) {
            if (!admin.listTopics().names().get().contains("embed.views")) {
                admin.createTopics(List.of(new NewTopic("embed.views", 1, (short) 1))).all().get();
            }
        }
        String page = "traced-" + UUID.randomUUID();
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/views/"
                + page)).header("Authorization", TestJwts.bearer("acme", "admin")).header("X-Request-Id", "req-" + page)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        String eventId = JSON.readTree(r.body()).path("eventId").asString();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> CommonItApplication.LOGGING_CONTEXT.containsKey(page));
        assertThat(CommonItApplication.LOGGING_CONTEXT.get(page)).containsEntry("requestId", "req-" + page)
                .containsEntry("eventId", eventId).containsEntry("eventType", "EmbedViewed").containsEntry("tenant", "acme");
    }

    @Test
    void valid_request_succeeds_with_the_org_from_the_token() throws Exception {
        HttpResponse<String> r = postJson("/api/widgets?org=evil", "{\"name\":\"w\",\"size\":3}");
        assertThat(r.statusCode()).isEqualTo(201);
        assertThat(JSON.readTree(r.body()).path("org").asString()).isEqualTo("acme");
        HttpResponse<String> who = send("GET", "/api/whoami?org=evil", null, HttpRequest.BodyPublishers.noBody());
        JsonNode principal = JSON.readTree(who.body());
        assertThat(principal.path("org").asString()).isEqualTo("acme");
        assertThat(principal.path("subject").asString()).isEqualTo("user-acme");
        assertThat(principal.path("roles").get(0).asString()).isEqualTo("admin");
    }

    @Test
    void validation_errors_name_the_field() throws Exception {
        JsonNode body = problem(postJson("/api/widgets", "{\"name\":\"\",\"size\":11}"), 400);
        assertThat(body.path("errors")).hasSize(2);
        assertThat(body.path("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name", "size");
    }

    @Test
    void malformed_or_missing_json_is_400() throws Exception {
        problem(postJson("/api/widgets", "{\"name\": "), 400);
        problem(postJson("/api/widgets", "[1,2]"), 400);
        problem(send("POST", "/api/widgets", "application/json", HttpRequest.BodyPublishers.noBody()), 400);
    }

    @Test
    void oversized_bodies_are_413_whether_declared_or_streamed() throws Exception {
        String big = "{\"name\":\"" + "x".repeat(4000) + "\",\"size\":1}";
        problem(postJson("/api/widgets", big), 413);
        HttpRequest.BodyPublisher chunked = HttpRequest.BodyPublishers.ofInputStream(
                () -> new ByteArrayInputStream(big.getBytes()));
        problem(send("POST", "/api/widgets", "application/json", chunked), 413);
    }

    @Test
    void unknown_routes_methods_and_media_types_are_problems() throws Exception {
        problem(send("GET", "/api/nothing/here", null, HttpRequest.BodyPublishers.noBody()), 404);
        problem(send("DELETE", "/api/widgets", null, HttpRequest.BodyPublishers.noBody()), 405);
        problem(send("POST", "/api/widgets", "text/plain", HttpRequest.BodyPublishers.ofString("hi")), 415);
        problem(send("GET", "/api/widgets/not-a-number", null, HttpRequest.BodyPublishers.noBody()), 400);
    }

    @Test
    void domain_exceptions_map_to_their_status() throws Exception {
        JsonNode body = problem(send("GET", "/api/widgets/42", null, HttpRequest.BodyPublishers.noBody()), 404);
        assertThat(body.path("detail").asString()).isEqualTo("widget 42 does not exist");
    }

    @Test
    void text_the_database_cannot_store_is_a_400_problem_naming_the_body() throws Exception {
        HttpResponse<String> ok = send("POST", "/api/notes", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"a\": \"fine\"}"));
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(200);
        HttpResponse<String> nul = send("POST", "/api/notes", "application/json",
                HttpRequest.BodyPublishers.ofString("{\"a\": \"x\\u0000y\"}"));
        problem(nul, 400);
        assertThat(nul.body()).contains("\"field\":\"body\"");
    }

    @Test
    void unexpected_errors_are_500_without_internals() throws Exception {
        HttpResponse<String> r = send("GET", "/api/boom", null, HttpRequest.BodyPublishers.noBody());
        problem(r, 500);
        assertThat(r.body()).doesNotContain("hunter2").doesNotContain("IllegalStateException");
    }

    @Test
    void unauthenticated_requests_are_401_problems_even_on_unknown_routes() throws Exception {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/nope"))
                .build(), HttpResponse.BodyHandlers.ofString());
        problem(r, 401);
        HttpResponse<String> other = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/x"))
                .build(), HttpResponse.BodyHandlers.ofString());
        problem(other, 401);
    }
}
