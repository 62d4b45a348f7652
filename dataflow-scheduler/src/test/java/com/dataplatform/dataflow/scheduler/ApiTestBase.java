package com.dataplatform.dataflow.scheduler;

import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A real server on real PostgreSQL and Kafka, and a small HTTP client speaking as one org. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"dataflow.lease=3s", "dataflow.heartbeat=500ms", "dataflow.poll-interval=50ms"})
@SuiteInfrastructure
// Closed after each class: a cached context's dispatcher would otherwise claim runs of the dispatch tests.
@org.springframework.test.annotation.DirtiesContext
public abstract class ApiTestBase {

    protected static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    /** A fresh org per test class keeps tests independent on the shared database. */
    protected static String newOrg() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    protected record Response(int status, String body, String contentType) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    protected Response call(String org, String method, String path, String contentType, String body,
            Map<String, String> headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestJwts.token(org, "admin"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        headers.forEach(b::header);
        HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }

    protected Response get(String org, String path) throws Exception {
        return call(org, "GET", path, null, null, Map.of());
    }

    protected Response putCsv(String org, String dataset, String csv) throws Exception {
        return call(org, "PUT", "/api/datasets/" + dataset, "text/csv", csv, Map.of());
    }

    protected Response postJson(String org, String path, String json) throws Exception {
        return call(org, "POST", path, "application/json", json, Map.of());
    }

    protected Response putJson(String org, String path, String json) throws Exception {
        return call(org, "PUT", path, "application/json", json, Map.of());
    }

    /** Reads every record of a topic currently on the broker (from the beginning), waiting up to {@code wait}. */
    protected static List<ConsumerRecord<String, byte[]>> readTopic(String topic, Duration wait,
            java.util.function.Predicate<List<ConsumerRecord<String, byte[]>>> until) {
        Map<String, Object> cfg = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cfg)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + wait.toNanos();
            while (System.nanoTime() < deadline && !until.test(out)) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        return out;
    }
}
