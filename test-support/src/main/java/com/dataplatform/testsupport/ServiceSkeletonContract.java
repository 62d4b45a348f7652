package com.dataplatform.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.common.topics.Topic;
import com.dataplatform.common.topics.TopicCatalog;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.AdminClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What every service promises from its first commit, checked against real PostgreSQL and Kafka: health with both
 * dependencies, its own Flyway schema, its topics, JWT on every API, problem+json, ops-only actuator, AsyncAPI,
 * OpenAPI, build info and request ids. A service's test extends this and names the service.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
public abstract class ServiceSkeletonContract {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    /** The service under test. */
    protected abstract SuiteService service();

    protected HttpResponse<String> get(String path, String bearerToken) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET();
        if (bearerToken != null) {
            b.header("Authorization", "Bearer " + bearerToken);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    protected static JsonNode json(HttpResponse<String> response) {
        return JSON.readTree(response.body());
    }

    @Test
    void health_is_up_with_postgres_and_kafka_components() throws Exception {
        HttpResponse<String> health = get("/actuator/health", null);
        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        JsonNode body = json(health);
        assertThat(body.path("status").asString()).isEqualTo("UP");
        assertThat(body.path("components").path("db").path("status").asString()).isEqualTo("UP");
        assertThat(body.path("components").path("kafka").path("status").asString()).isEqualTo("UP");

        HttpResponse<String> readiness = get("/actuator/health/readiness", null);
        assertThat(readiness.statusCode()).isEqualTo(200);
        Set<String> readinessParts = new HashSet<>(json(readiness).path("components").propertyNames());
        assertThat(readinessParts).contains("db", "kafka", "readinessState");
        assertThat(get("/actuator/health/liveness", null).statusCode()).isEqualTo(200);
    }

    @Test
    void own_schema_is_migrated_by_flyway() {
        String schema = service().schema();
        Integer applied = jdbc.sql("select count(*) from " + LakeNames.quote(schema) + ".flyway_schema_history where success")
                .query(Integer.class).single();
        assertThat(applied).isGreaterThanOrEqualTo(1);
        Integer processedEventTable = jdbc.sql("""
                select count(*) from information_schema.tables
                where table_schema = :schema and table_name = 'processed_event'""")
                .param("schema", schema).query(Integer.class).single();
        assertThat(processedEventTable).isEqualTo(1);
    }

    @Test
    void owned_topics_and_dead_letter_topics_exist_on_the_broker() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", SuiteKafka.bootstrapServers()))) {
            Set<String> names = admin.listTopics().names().get();
            for (Topic t : TopicCatalog.ownedBy(service())) {
                assertThat(names).contains(t.name());
            }
            for (Topic t : TopicCatalog.consumedBy(service())) {
                assertThat(names).contains(t.deadLetterTopic());
            }
        }
    }

    @Test
    void api_without_token_is_401_problem_json() throws Exception {
        HttpResponse<String> r = get("/api/anything", null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(r.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(
                h -> assertThat(h).startsWith("Bearer"));
        assertThat(json(r).path("status").asInt()).isEqualTo(401);
    }

    @Test
    void api_with_valid_token_reaches_the_app_and_unknown_route_is_404_problem_json() throws Exception {
        HttpResponse<String> r = get("/api/anything", TestJwts.token("acme", "admin"));
        assertThat(r.statusCode()).isEqualTo(404);
        assertThat(r.headers().firstValue("Content-Type")).hasValueSatisfying(
                ct -> assertThat(ct).startsWith("application/problem+json"));
        assertThat(json(r).path("status").asInt()).isEqualTo(404);
    }

    @Test
    void untrusted_expired_or_org_less_tokens_are_rejected() throws Exception {
        assertThat(get("/api/anything", TestJwts.signedByStranger("acme")).statusCode()).isEqualTo(401);
        assertThat(get("/api/anything", TestJwts.expired("acme")).statusCode()).isEqualTo(401);
        assertThat(get("/api/anything", TestJwts.withClaims(Map.of("sub", "x", "roles", List.of("admin"),
                "exp", System.currentTimeMillis() / 1000 + 600))).statusCode()).isEqualTo(401);
        assertThat(get("/api/anything", TestJwts.withClaims(Map.of("sub", "x", "org", "Bad Org!",
                "exp", System.currentTimeMillis() / 1000 + 600))).statusCode()).isEqualTo(401);
    }

    @Test
    void actuator_beyond_health_and_info_needs_the_ops_role() throws Exception {
        assertThat(get("/actuator/prometheus", null).statusCode()).isEqualTo(401);
        assertThat(get("/actuator/prometheus", TestJwts.token("acme", "admin")).statusCode()).isEqualTo(403);
        HttpResponse<String> metrics = get("/actuator/prometheus", TestJwts.token("acme", "ops"));
        assertThat(metrics.statusCode()).isEqualTo(200);
        assertThat(metrics.body()).contains("service=\"" + service().id() + "\"");
        HttpResponse<String> info = get("/actuator/info", null);
        assertThat(info.statusCode()).isEqualTo(200);
        assertThat(json(info).path("build").path("artifact").asString()).isEqualTo(service().id());
    }

    @Test
    void serves_asyncapi_for_its_topics_and_openapi() throws Exception {
        HttpResponse<String> asyncApi = get("/asyncapi.json", null);
        assertThat(asyncApi.statusCode()).isEqualTo(200);
        JsonNode doc = json(asyncApi);
        assertThat(doc.path("asyncapi").asString()).isEqualTo("3.0.0");
        Set<String> addresses = new HashSet<>();
        doc.path("channels").forEach(c -> addresses.add(c.path("address").asString()));
        for (Topic t : TopicCatalog.ownedBy(service())) {
            assertThat(addresses).contains(t.name());
        }
        assertThat(get("/v3/api-docs", null).statusCode()).isEqualTo(200);
    }

    @Test
    void echoes_a_sane_request_id_and_replaces_a_hostile_one() throws Exception {
        HttpRequest ok = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .header("X-Request-Id", "abc-123").GET().build();
        assertThat(HTTP.send(ok, HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Request-Id"))
                .hasValue("abc-123");
        HttpRequest hostile = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/actuator/health"))
                .header("X-Request-Id", "<script>alert(1)</script>").GET().build();
        assertThat(HTTP.send(hostile, HttpResponse.BodyHandlers.discarding()).headers().firstValue("X-Request-Id"))
                .hasValueSatisfying(id -> assertThat(id).matches("[0-9a-f-]{36}"));
    }
}
