package com.dataplatform.stream.distributor.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.stream.distributor.support.SourceRecords;
import com.dataplatform.stream.distributor.support.WebhookReceiver;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.TestJwts;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "suite.outbound.allowlist=127.0.0.0/8",
        "stream-distributor.node-id=api-node",
        "stream-distributor.lease-ttl=2s",
        "stream-distributor.poll-interval=300ms",
        "stream-distributor.probe-interval=500ms",
        "stream-distributor.probe-timeout=1s",
        "stream-distributor.self-fence-margin=600ms",
        "stream-distributor.retry-base=20ms",
        "stream-distributor.retry-max=200ms",
        "stream-distributor.breaker-threshold=3",
        "stream-distributor.breaker-cooldown=300ms"})
@SuiteInfrastructure
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class StreamApiIT {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final String SECRET = "0123456789abcdef-secret";
    private static WebhookReceiver receiver;
    private static SourceRecords source;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;
    @Autowired
    StreamStore store;

    @BeforeAll
    static void servers() throws Exception {
        receiver = new WebhookReceiver();
        source = new SourceRecords();
    }

    @AfterAll
    static void stop() {
        receiver.close();
        source.close();
    }

    @Test
    void webhook_stream_is_claimed_delivers_signed_batches_and_follows_pause_resume_delete() throws Exception {
        String org = "apiorg" + suffix();
        String url = receiver.hook("life-" + org, SECRET);
        HttpResponse<String> created = post("/api/streams", org, webhook("orders", url, SECRET));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        JsonNode stream = JSON.readTree(created.body());
        String id = stream.path("id").asString();
        assertThat(created.headers().firstValue("Location")).hasValue("/api/streams/" + id);
        assertThat(stream.path("org").asString()).isEqualTo(org);
        assertThat(stream.path("destination").has("secret")).isFalse();
        // at rest the secret is sealed: no plain copy, and the sealed bytes do not contain it
        assertThat(jdbc.sql("select dest_secret from stream where id = cast(:id as uuid)").param("id", id)
                .query(String.class).optional()).isEmpty();
        byte[] sealed = jdbc.sql("select dest_secret_sealed from stream where id = cast(:id as uuid)").param("id", id)
                .query(byte[].class).single();
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode s = JSON.readTree(get("/api/streams/" + id, org).body());
            assertThat(s.path("status").asString()).isEqualTo("ACTIVE");
            assertThat(s.path("owner").asString()).isEqualTo("api-node");
            assertThat(s.path("epoch").asLong()).isGreaterThanOrEqualTo(1);
        });

        Set<String> sent = new HashSet<>();
        for (int i = 0; i < 40; i++) {
            sent.add(source.send(org, "k" + (i % 7), i));
            source.send("otherorg" + suffix(), "k", i); // another tenant's records never reach this stream
        }
        source.flush();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(
                receiver.received("life-" + org).stream().map(WebhookReceiver.Received::ceId).toList())
                .containsAll(sent));
        assertThat(receiver.received("life-" + org)).allSatisfy(r -> {
            assertThat(r.streamId()).isEqualTo(id);
            assertThat(sent).contains(r.ceId());
        });
        assertPerPartitionOrder(receiver.received("life-" + org));
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            JsonNode s = JSON.readTree(get("/api/streams/" + id, org).body());
            assertThat(s.path("lag").asLong()).isZero();
            assertThat(s.path("lastDeliveredAt").isNull()).isFalse();
        });

        assertThat(JSON.readTree(get("/api/streams", org).body()).size()).isEqualTo(1);

        JsonNode paused = JSON.readTree(post("/api/streams/" + id + "/pause", org, "").body());
        assertThat(paused.path("status").asString()).isEqualTo("PAUSED");
        // the owner lets go within a poll interval; from then on nothing is delivered
        await().atMost(Duration.ofSeconds(15)).until(() ->
                JSON.readTree(get("/api/streams/" + id, org).body()).path("owner").isNull());
        int before = receiver.received("life-" + org).size();
        source.send(org, "paused", 1);
        source.flush();
        // nothing may arrive while paused: the count must hold still for the whole 1.5 s
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(10))
                .until(() -> receiver.received("life-" + org).size() == before);
        assertThat(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()).isEqualTo("PAUSED");

        post("/api/streams/" + id + "/resume", org, "");
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received("life-" + org).size() > before);
        assertThat(JSON.readTree(get("/api/streams/" + id, org).body()).path("epoch").asLong())
                .isGreaterThan(paused.path("epoch").asLong());

        assertThat(delete("/api/streams/" + id, org).statusCode()).isEqualTo(204);
        assertThat(get("/api/streams/" + id, org).statusCode()).isEqualTo(404);
        assertThat(receiver.badSignatures()).isZero();
    }

    @Test
    void a_plain_text_secret_written_before_sealing_is_sealed_and_still_signs_deliveries() throws Exception {
        String org = "legacy" + suffix();
        String hook = "legacy-" + org;
        String id = JSON.readTree(post("/api/streams", org, webhook("legacy", receiver.hook(hook, SECRET), SECRET))
                .body()).path("id").asString();
        post("/api/streams/" + id + "/pause", org, "");
        // as a row of the previous schema version would look
        jdbc.sql("update stream set dest_secret = :s, dest_secret_sealed = null where id = cast(:id as uuid)")
                .param("s", SECRET).param("id", id).update();
        assertThat(store.sealPlainSecrets()).isGreaterThanOrEqualTo(1);
        assertThat(jdbc.sql("select count(*) from stream where id = cast(:id as uuid) and dest_secret is null"
                + " and dest_secret_sealed is not null").param("id", id).query(Integer.class).single()).isEqualTo(1);
        post("/api/streams/" + id + "/resume", org, "");
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "ACTIVE".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        String ceId = source.send(org, "legacy", 1);
        source.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(hook).stream()
                .anyMatch(r -> r.ceId().equals(ceId)));
        assertThat(receiver.badSignatures()).isZero();
        delete("/api/streams/" + id, org);
    }

    @Test
    void a_stream_whose_secret_cannot_be_opened_is_handed_back_without_taking_its_claim_batch_down() throws Exception {
        String org = "poison" + suffix();
        String hook = "good-" + org;
        String bad = JSON.readTree(post("/api/streams", org, webhook("bad", receiver.hook("bad-" + org, SECRET),
                SECRET)).body()).path("id").asString();
        String good = JSON.readTree(post("/api/streams", org, webhook("good", receiver.hook(hook, SECRET), SECRET))
                .body()).path("id").asString();
        post("/api/streams/" + bad + "/pause", org, "");
        post("/api/streams/" + good + "/pause", org, "");
        for (String id : List.of(bad, good)) { // their workers (if claimed already) let go
            await().atMost(Duration.ofSeconds(15)).until(() ->
                    JSON.readTree(get("/api/streams/" + id, org).body()).path("owner").isNull());
        }
        // sealed under some other key (or corrupted): opening it fails on every node
        jdbc.sql("update stream set dest_secret_sealed = decode(md5(random()::text) || md5(random()::text), 'hex')"
                + " where id = cast(:id as uuid)").param("id", bad).update();
        // both claimable again at once: the node claims them in one batch
        post("/api/streams/" + bad + "/resume", org, "");
        post("/api/streams/" + good + "/resume", org, "");
        String ceId = source.send(org, "poisoned-batch", 1);
        source.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(hook).stream()
                .anyMatch(r -> r.ceId().equals(ceId)));
        assertThat(JSON.readTree(get("/api/streams/" + good, org).body()).path("status").asString())
                .isEqualTo("ACTIVE");
        // the bad one is parked: DEGRADED, not claimed again at every poll, never delivered
        await().atMost(Duration.ofSeconds(10)).until(() -> "DEGRADED".equals(
                JSON.readTree(get("/api/streams/" + bad, org).body()).path("status").asString()));
        long parkedEpoch = JSON.readTree(get("/api/streams/" + bad, org).body()).path("epoch").asLong();
        await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(8)).until(() ->
                JSON.readTree(get("/api/streams/" + bad, org).body()).path("epoch").asLong() == parkedEpoch);
        assertThat(receiver.received("bad-" + org)).isEmpty();
        delete("/api/streams/" + bad, org);
        delete("/api/streams/" + good, org);
    }

    @Test
    void pausing_a_stream_whose_worker_is_stuck_in_a_slow_post_does_not_make_the_nodes_other_workers_self_fence()
            throws Exception {
        String slowOrg = "slow" + suffix();
        String steadyOrg = "steady" + suffix();
        String slowHook = "slow-" + slowOrg;
        String steadyHook = "steady-" + steadyOrg;
        String slow = JSON.readTree(post("/api/streams", slowOrg, webhook("slow", receiver.hook(slowHook, SECRET),
                SECRET)).body()).path("id").asString();
        String steady = JSON.readTree(post("/api/streams", steadyOrg, webhook("steady",
                receiver.hook(steadyHook, SECRET), SECRET)).body()).path("id").asString();
        for (String[] s : new String[][] {{slow, slowOrg}, {steady, steadyOrg}}) {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "ACTIVE".equals(JSON.readTree(get("/api/streams/" + s[0], s[1]).body()).path("status").asString()));
        }
        long epoch = JSON.readTree(get("/api/streams/" + steady, steadyOrg).body()).path("epoch").asLong();
        // the slow stream's worker is in the middle of a POST its receiver does not answer
        receiver.hold(slowHook);
        int before = receiver.requests();
        source.send(slowOrg, "slow", 1);
        source.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.requests() > before);
        // its stream is paused: the poller asks the worker to stop and must go on renewing the others meanwhile.
        // (It used to wait up to 5 s per stopping worker while holding its lock. A webhook POST is capped at the
        // worker's lease, so here that wait was shorter, but long enough at times to let the other worker
        // self-fence; calls with no lease cap — a Kafka send, a checkpoint — could hold it the full 5 s.)
        post("/api/streams/" + slow + "/pause", slowOrg, "");
        await().during(Duration.ofSeconds(6)).atMost(Duration.ofSeconds(10)).until(() ->
                JSON.readTree(get("/api/streams/" + steady, steadyOrg).body()).path("epoch").asLong() == epoch);
        String ceId = source.send(steadyOrg, "steady", 1);
        source.flush();
        await().atMost(Duration.ofSeconds(30)).until(() -> receiver.received(steadyHook).stream()
                .anyMatch(r -> r.ceId().equals(ceId)));
        receiver.heal(slowHook);
        delete("/api/streams/" + slow, slowOrg);
        delete("/api/streams/" + steady, steadyOrg);
    }

    @Test
    void another_orgs_stream_looks_like_404_and_cannot_be_changed() throws Exception {
        String org = "owner" + suffix();
        String id = JSON.readTree(post("/api/streams", org,
                webhook("mine", receiver.hook("mine-" + org, SECRET), SECRET)).body()).path("id").asString();
        String stranger = "stranger" + suffix();
        assertThat(get("/api/streams/" + id, stranger).statusCode()).isEqualTo(404);
        assertThat(post("/api/streams/" + id + "/pause", stranger, "").statusCode()).isEqualTo(404);
        assertThat(post("/api/streams/" + id + "/resume", stranger, "").statusCode()).isEqualTo(404);
        assertThat(delete("/api/streams/" + id, stranger).statusCode()).isEqualTo(404);
        assertThat(get("/api/streams/not-a-uuid", stranger).statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(get("/api/streams", stranger).body()).size()).isZero();
        assertThat(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString())
                .isNotEqualTo("PAUSED");
        delete("/api/streams/" + id, org);
    }

    @Test
    void bad_input_is_a_problem_naming_the_field_and_stores_nothing() throws Exception {
        String org = "bad" + suffix();
        String ok = receiver.hook("bad-" + org, SECRET);
        assertProblem(post("/api/streams", org, webhook("x", "not a url", SECRET)), 400, "destination.url");
        assertProblem(post("/api/streams", org, webhook("x", "ftp://127.0.0.1/x", SECRET)), 400, "destination.url");
        // refused by the SSRF guard's decision; nothing is ever sent to these addresses
        assertProblem(post("/api/streams", org, webhook("x", "http://10.1.2.3/hook", SECRET)), 422,
                "destination.url");
        assertProblem(post("/api/streams", org, webhook("x", "http://169.254.169.254/latest", SECRET)), 422,
                "destination.url");
        assertProblem(post("/api/streams", org, webhook("x", "http://[::1]:9/x", SECRET)), 422, "destination.url");
        assertProblem(post("/api/streams", org, webhook("x", ok, "short")), 400, "destination.secret");
        assertProblem(post("/api/streams", org, webhook("", ok, SECRET)), 400, "name");
        assertProblem(post("/api/streams", org, body("x", "no.such-topic", null,
                Map.of("type", "webhook", "url", ok, "secret", SECRET))), 422, "source.topic");
        assertProblem(post("/api/streams", org, body("x", SourceRecords.TOPIC, "bad type!",
                Map.of("type", "webhook", "url", ok, "secret", SECRET))), 400, "source.filter");
        assertProblem(post("/api/streams", org, body("x", SourceRecords.TOPIC, null, Map.of("type", "ftp"))), 400,
                "destination.type");
        assertProblem(post("/api/streams", org, body("x", SourceRecords.TOPIC, null,
                Map.of("type", "kafka", "topic", "streams.ownership"))), 422, "destination.topic");
        assertProblem(post("/api/streams", org, body("x", SourceRecords.TOPIC, null,
                Map.of("type", "kafka", "topic", "someoneelse.out"))), 422, "destination.topic");
        assertThat(jdbc.sql("select count(*) from stream where org = :org").param("org", org).query(Integer.class)
                .single()).isZero();

        assertThat(post("/api/streams", org, webhook("dup", ok, SECRET)).statusCode()).isEqualTo(201);
        assertProblem(post("/api/streams", org, webhook("dup", ok, SECRET)), 409, "name");
        assertThat(jdbc.sql("select count(*) from stream where org = :org").param("org", org).query(Integer.class)
                .single()).isOne();
        // the same name in another org is fine
        assertThat(post("/api/streams", "other" + suffix(), webhook("dup", ok, SECRET)).statusCode()).isEqualTo(201);
        jdbc.sql("delete from stream where name = 'dup'").update();
    }

    @Test
    void kafka_destination_receives_the_orgs_records_with_stream_and_epoch_headers() throws Exception {
        String org = "kdest" + suffix();
        String topic = org + ".out";
        HttpResponse<String> created = post("/api/streams", org, body("to-kafka", SourceRecords.TOPIC,
                "RecordExtracted", Map.of("type", "kafka", "topic", topic)));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String id = JSON.readTree(created.body()).path("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "ACTIVE".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        Set<String> sent = new HashSet<>();
        String otherType = source.sendTyped(org, "SnapshotMarker", 0); // filtered out: the stream keeps RecordExtracted
        for (int i = 0; i < 25; i++) {
            sent.add(source.send(org, "k" + i, i));
        }
        source.flush();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of("bootstrap.servers",
                SuiteKafka.bootstrapServers(), "key.deserializer", StringDeserializer.class,
                "value.deserializer", ByteArrayDeserializer.class, "auto.offset.reset", "earliest"))) {
            List<TopicPartition> parts = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            c.assign(parts);
            c.seekToBeginning(parts);
            List<ConsumerRecord<String, byte[]>> got = new ArrayList<>();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                c.poll(Duration.ofMillis(200)).forEach(got::add);
                return got.stream().map(r -> new String(r.headers().lastHeader("ce_id").value())).toList()
                        .containsAll(sent);
            });
            assertThat(got).allSatisfy(r -> {
                assertThat(new String(r.headers().lastHeader("stream-id").value())).isEqualTo(id);
                assertThat(Long.parseLong(new String(r.headers().lastHeader("stream-epoch").value())))
                        .isGreaterThanOrEqualTo(1);
                assertThat(new String(r.headers().lastHeader("ce_tenant").value())).isEqualTo(org);
                assertThat(new String(r.headers().lastHeader("ce_id").value())).isNotEqualTo(otherType);
            });
        }
        delete("/api/streams/" + id, org);
    }

    @Test
    void failing_destination_turns_the_stream_degraded_and_it_recovers_without_losing_records() throws Exception {
        String org = "flaky" + suffix();
        String hook = "flaky-" + org;
        String id = JSON.readTree(post("/api/streams", org, webhook("flaky", receiver.hook(hook, SECRET), SECRET))
                .body()).path("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "ACTIVE".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        receiver.failWith(hook, 503);
        String first = source.send(org, "a", 1);
        source.flush();
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "DEGRADED".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        receiver.heal(hook);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(receiver.received(hook).stream().map(WebhookReceiver.Received::ceId)).contains(first);
            assertThat(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString())
                    .isEqualTo("ACTIVE");
        });
        delete("/api/streams/" + id, org);
    }

    @Test
    void an_idle_stream_whose_destination_is_unreachable_turns_degraded_and_recovers_when_it_answers()
            throws Exception {
        String org = "idle" + suffix();
        int port;
        try (ServerSocket probeForFree = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            port = probeForFree.getLocalPort(); // closed again: nothing listens there now
        }
        String id = JSON.readTree(post("/api/streams", org, webhook("idle", "http://127.0.0.1:" + port + "/hook",
                SECRET)).body()).path("id").asString();
        // no record is ever sent to this stream: only the destination probe can notice
        await().atMost(Duration.ofSeconds(30)).until(() ->
                "DEGRADED".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        try (ServerSocket listening = new ServerSocket(port, 50, InetAddress.getLoopbackAddress())) {
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "ACTIVE".equals(JSON.readTree(get("/api/streams/" + id, org).body()).path("status").asString()));
        }
        delete("/api/streams/" + id, org);
    }

    @Test
    void nodes_api_lists_this_node_with_its_dependencies_and_needs_ops() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(uri("/api/nodes"))
                    .header("Authorization", TestJwts.bearer("acme", "ops")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode me = null;
            for (JsonNode n : JSON.readTree(r.body())) {
                if (n.path("id").asString().equals("api-node")) {
                    me = n;
                }
            }
            assertThat(me).isNotNull();
            assertThat(me.path("healthy").asBoolean()).isTrue();
            assertThat(me.path("dependencies").path("postgres").path("up").asBoolean()).isTrue();
            assertThat(me.path("dependencies").path("kafka").path("up").asBoolean()).isTrue();
        });
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/api/nodes"))
                .header("Authorization", TestJwts.bearer("acme", "viewer")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(403);
        HttpResponse<String> health = HTTP.send(HttpRequest.newBuilder(uri("/actuator/health"))
                .header("Authorization", TestJwts.bearer("acme", "ops")).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        JsonNode node = JSON.readTree(health.body()).path("components").path("distributorNode");
        assertThat(node.path("status").asString()).as(health.body()).isEqualTo("UP");
        assertThat(node.path("details").path("postgres").asString()).isEqualTo("UP");
        assertThat(node.path("details").path("kafka").asString()).isEqualTo("UP");
        String metrics = HTTP.send(HttpRequest.newBuilder(uri("/actuator/prometheus"))
                .header("Authorization", TestJwts.bearer("acme", "ops")).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
        assertThat(metrics).contains("stream_distributor_owned", "stream_distributor_claims_total",
                "stream_distributor_releases_total", "stream_distributor_failovers_total",
                "stream_distributor_fenced_writes_total", "stream_distributor_lag",
                "stream_distributor_deliveries_total", "stream_distributor_delivery_errors_total",
                "stream_distributor_time_without_owner_seconds",
                "stream_distributor_time_without_owner_seconds_bucket{", "le=\"15.0\"");
    }

    static void assertPerPartitionOrder(List<WebhookReceiver.Received> received) {
        Map<Integer, Long> last = new java.util.HashMap<>();
        for (WebhookReceiver.Received r : received) {
            Long prev = last.put(r.partition(), r.offset());
            assertThat(prev == null || prev < r.offset())
                    .as("partition %d offset %d after %d", r.partition(), r.offset(), prev).isTrue();
        }
    }

    private void assertProblem(HttpResponse<String> r, int status, String field) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(r.body()).contains(field);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8).replace("-", "");
    }

    private static String webhook(String name, String url, String secret) {
        return body(name, SourceRecords.TOPIC, null, Map.of("type", "webhook", "url", url, "secret", secret));
    }

    private static String body(String name, String topic, String filter, Map<String, String> destination) {
        Map<String, Object> source = new java.util.HashMap<>();
        source.put("topic", topic);
        if (filter != null) {
            source.put("filter", filter);
        }
        return JSON.writeValueAsString(Map.of("name", name, "source", source, "destination", destination));
    }

    private URI uri(String path) {
        return URI.create("http://localhost:" + port + path);
    }

    private HttpResponse<String> get(String path, String org) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", TestJwts.bearer(org, "admin"))
                .GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> delete(String path, String org) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", TestJwts.bearer(org, "admin"))
                .DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> post(String path, String org, String body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("Authorization", TestJwts.bearer(org, "admin"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
