package com.dataplatform.bench.extract;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.bulk.extract.BulkExtractApplication;
import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.testsupport.TestJwts;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.postgresql.PGConnection;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * bulk-extract: (1) snapshot throughput of an extraction of N rows into Kafka (POST → every snapshot record acked,
 * status STREAMING) vs {@code COPY (SELECT id, user_id, payload ... ORDER BY id) TO STDOUT} of the same rows through
 * PgJDBC's CopyManager, the physical read limit of the source; (2) change-stream latency from a writer's commit to the
 * record arriving at a Kafka consumer, under a steady write load, vs the writer publishing the same change to Kafka
 * itself right after its commit (a dual write: no capture, no relay, the floor of the path).
 */
public class BulkExtractBenchmark implements Benchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** One token per org for the whole run (signing one per request cost the client a visible share of the CPU). */
    private static final Map<String, String> TOKENS = new ConcurrentHashMap<>();

    @Override
    public String name() {
        return "bulk-extract: snapshot throughput and change-stream latency";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int rows = Integer.getInteger("bench.extract.rows", ctx.size(3_000, 1_000_000));
        int changes = ctx.size(200, 5_000);
        String run = "b" + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
        try (ConfigurableApplicationContext node = startNode(ctx)) {
            int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
            List<Result> results = new ArrayList<>();
            results.add(snapshot(ctx, port, run + "s", rows));
            // the sink alone: how many such records the broker of this machine takes at all, with our settings, without
            // compression, and from three producers at once; the best of them against COPY bounds any snapshot here
            double copy = results.get(0).baseline();
            double best = 0;
            for (Object[] variant : new Object[][] {{"lz4", 1}, {"none", 1}, {"lz4", 3}}) {
                Result raw = rawProducer(ctx, rows, results.get(0).ours(), (String) variant[0], (int) variant[1]);
                results.add(raw);
                best = Math.max(best, raw.baseline());
            }
            System.out.printf("extract: COPY %.0f rows/s; best bare producer %.0f records/s = %.2fx COPY (the ceiling"
                    + " of any snapshot into this broker); ours %.0f rows/s = %.2fx COPY, %.2fx the best bare producer%n",
                    copy, best, best / copy, results.get(0).ours(), results.get(0).ours() / copy,
                    results.get(0).ours() / best);
            results.addAll(latency(ctx, port, run + "l", changes));
            return results;
        }
    }

    private static ConfigurableApplicationContext startNode(BenchContext ctx) {
        var pg = ctx.postgres();
        // every setting as an argument: the bench classpath holds several services' application.yml files
        String[] args = {"--spring.application.name=bulk-extract", "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password(),
                "--spring.datasource.hikari.schema=bulk_extract", "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.flyway.schemas=bulk_extract", "--spring.flyway.default-schema=bulk_extract",
                "--spring.flyway.locations=classpath:db/bulk_extract/migration",
                "--spring.jpa.properties.hibernate.default_schema=bulk_extract",
                "--spring.kafka.bootstrap-servers=" + ctx.kafkaBootstrap(),
                "--spring.kafka.consumer.group-id=bulk-extract",
                // extract.records has its own producer (acks=all, idempotent, lz4, 1 MiB batches, linger 5 ms)
                "--bulk-extract.stream-poll-interval=50ms",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "--server.port=0", "--suite.lake.enabled=false", "--logging.level.root=WARN"};
        return new SpringApplicationBuilder(BulkExtractApplication.class).run(args);
    }

    private Result snapshot(BenchContext ctx, int port, String org, int n) throws Exception {
        var pg = ctx.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            try (PreparedStatement seed = c.prepareStatement("""
                    insert into bulk_extract.contacts (org, id, user_id, payload)
                    select ?, 'c-' || lpad(i::text, 8, '0'), 'u' || (i % 100), jsonb_build_object('name', 'Contact ' || i,
                           'email', 'c' || i || '@example.com', 'score', i % 1000, 'tags', jsonb_build_array('a', 'b'))
                    from generate_series(1, ?) i""")) {
                seed.setString(1, org);
                seed.setInt(2, n);
                seed.executeUpdate();
            }
            // the captured seed changes are relayed before timing starts
            awaitRelayed(st);
            st.execute("vacuum analyze bulk_extract.contacts");

            // COPY takes no bind parameters: the org is checked against the strict org pattern before it is inlined
            String copySql = "COPY (SELECT id, user_id, payload FROM bulk_extract.contacts WHERE org = '"
                    + LakeNames.requireOrg(org) + "' ORDER BY id) TO STDOUT";
            var copy = c.unwrap(PGConnection.class).getCopyAPI();
            copy.copyOut(copySql, OutputStream.nullOutputStream()); // warm-up
            // the best of three: the physical limit of the source, not one draw of the machine's load
            double copyRate = 0;
            for (int i = 0; i < 3; i++) {
                long t0 = System.nanoTime();
                long copied = copy.copyOut(copySql, OutputStream.nullOutputStream());
                copyRate = Math.max(copyRate, copied / ((System.nanoTime() - t0) / 1e9));
            }

            // warm-up: an extraction of a fifth as many rows of the same shape first (producer connections, topic
            // metadata, JIT of encoder, producer and broker) — the bare producer below warms up on 300k records too
            int warmRows = Math.max(500, Math.min(n / 5, 200_000));
            try (PreparedStatement seed = c.prepareStatement("""
                    insert into bulk_extract.contacts (org, id, user_id, payload)
                    select ?, 'w-' || lpad(i::text, 8, '0'), 'u' || (i % 100), jsonb_build_object('name', 'Contact ' || i,
                           'email', 'c' || i || '@example.com', 'score', i % 1000, 'tags', jsonb_build_array('a', 'b'))
                    from generate_series(1, ?) i""")) {
                seed.setString(1, org + "w");
                seed.setInt(2, warmRows);
                seed.executeUpdate();
            }
            awaitRelayed(st);
            String warm = post(port, org + "w", "/api/extractions", "{\"entities\": [\"contacts\"], \"chunkSize\": 10000}")
                    .path("id").asString();
            waitUntil(() -> get(port, org + "w", "/api/extractions/" + warm).path("status").asString()
                    .equals("STREAMING"), Duration.ofMinutes(10), Duration.ofMillis(250));
            post(port, org + "w", "/api/extractions/" + warm + "/cancel", "");

            // -Dbench.extract.jfr=<file>: a JFR recording (profile settings) of the timed snapshot only
            String jfr = System.getProperty("bench.extract.jfr", "");
            jdk.jfr.Recording recording = null;
            if (!jfr.isBlank()) {
                recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
                recording.start();
            }
            long t1 = System.nanoTime();
            JsonNode started = post(port, org, "/api/extractions",
                    "{\"entities\": [\"contacts\"], \"chunkSize\": 10000}");
            String id = started.path("id").asString();
            // polled every 250 ms: at 20 ms the status requests (JWT checks, lag queries) took ~15 % of the JVM's CPU
            // from the snapshot they measure
            waitUntil(() -> get(port, org, "/api/extractions/" + id).path("status").asString().equals("STREAMING"),
                    Duration.ofMinutes(20), Duration.ofMillis(250));
            double ours = n / ((System.nanoTime() - t1) / 1e9);
            if (recording != null) {
                recording.stop();
                recording.dump(java.nio.file.Path.of(jfr));
                recording.close();
                System.out.println("extract: JFR of the snapshot written to " + jfr);
            }
            post(port, org, "/api/extractions/" + id + "/cancel", "");
            return new Result(n + " rows snapshot → Kafka (chunk 10000, acks=all, idempotent, lz4, read-ahead)",
                    "COPY (SELECT ...) TO STDOUT via CopyManager, same rows", copyRate, ours, "rows/s", true);
        }
    }

    /**
     * The Kafka side alone: the same number of records of the same shape (8 CloudEvents headers, ~230-byte body)
     * sent by a bare KafkaProducer with the same settings as the records producer, then flushed. Shows how much of
     * the snapshot's time is the producer and broker themselves.
     */
    /** A topic like extract.records: 6 partitions. */
    private static void ensureTopic(BenchContext ctx, String topic) throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", ctx.kafkaBootstrap()))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1))).all().get();
            }
        }
    }

    private static Result rawProducer(BenchContext ctx, int n, double snapshotRate, String compression,
            int producers) throws Exception {
        ensureTopic(ctx, "bench.extract-raw");
        Map<String, Object> cfg = new java.util.HashMap<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                ctx.kafkaBootstrap(), ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.COMPRESSION_TYPE_CONFIG, compression, ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.BATCH_SIZE_CONFIG, 1 << 20, ProducerConfig.BUFFER_MEMORY_CONFIG, 128L << 20));
        String subject = UUID.randomUUID().toString();
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(producers);
        List<KafkaProducer<byte[], byte[]>> all = new ArrayList<>();
        try {
            for (int p = 0; p < producers; p++) {
                all.add(new KafkaProducer<>(cfg, new org.apache.kafka.common.serialization.ByteArraySerializer(),
                        new org.apache.kafka.common.serialization.ByteArraySerializer()));
            }
            long t0 = 0;
            // the first round warms up (JIT of the producer and the broker's request path: a cold first pass
            // measured 30k records/s where the same producer then did 118k)
            for (int round = 0; round < 2; round++) {
                int count = round == 0 ? Math.min(n, 300_000) : n;
                t0 = System.nanoTime();
                List<java.util.concurrent.Future<?>> sending = new ArrayList<>();
                for (int p = 0; p < producers; p++) {
                    int first = p;
                    KafkaProducer<byte[], byte[]> producer = all.get(p);
                    sending.add(pool.submit(() -> {
                        for (int i = first; i < count; i += producers) {
                            producer.send(rawRecord(subject, i));
                        }
                        producer.flush();
                        return null;
                    }));
                }
                for (var f : sending) {
                    f.get();
                }
            }
            double raw = n / ((System.nanoTime() - t0) / 1e9);
            return new Result(n + " records → Kafka, producer alone (no database, " + compression + ", " + producers
                    + (producers == 1 ? " producer)" : " producers in parallel)"),
                    "bare KafkaProducer, same record shape, acks=all, idempotent, " + compression + ", 1 MiB, linger 5",
                    raw, snapshotRate, "rows/s", true);
        } finally {
            all.forEach(KafkaProducer::close);
            pool.shutdown();
        }
    }

    /** A record shaped like a snapshot record: 8 CloudEvents headers, ~230-byte body. */
    private static ProducerRecord<byte[], byte[]> rawRecord(String subject, int i) {
        String id = "c-" + String.format("%08d", i);
        byte[] key = ("contacts:" + id).getBytes();
        byte[] body = ("{\"op\":\"snapshot\",\"entity\":\"contacts\",\"id\":\"" + id
                + "\",\"userId\":\"u" + (i % 100) + "\",\"version\":1234567,\"data\":{\"name\": \"Contact " + i
                + "\", \"tags\": [\"a\", \"b\"], \"email\": \"c" + i + "@example.com\", \"score\": "
                + (i % 1000) + "}}").getBytes();
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>("bench.extract-raw", key, body);
        r.headers().add("ce_specversion", "1.0".getBytes()).add("ce_id",
                (subject + ":1234567:snapshot:contacts:" + id).getBytes())
                .add("ce_source", "urn:dataplatform:bulk-extract".getBytes())
                .add("ce_type", "RecordExtracted".getBytes())
                .add("ce_time", "2026-11-22T08:00:00.123456Z".getBytes())
                .add("ce_subject", subject.getBytes()).add("ce_tenant", "borg".getBytes())
                .add("content-type", "application/json".getBytes());
        return r;
    }

    private List<Result> latency(BenchContext ctx, int port, String org, int n) throws Exception {
        var pg = ctx.postgres();
        String topic = "extract.records";
        Map<Long, Long> sentAt = new ConcurrentHashMap<>();
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        Map<Long, Long> arrivedAt = new ConcurrentHashMap<>();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                KafkaConsumer<String, byte[]> consumer = consumer(ctx)) {
            c.setAutoCommit(true);
            try (PreparedStatement seed = c.prepareStatement(
                    "insert into bulk_extract.activities (org, id, user_id, payload) values (?, 'seed', 'u1', '{}')")) {
                seed.setString(1, org);
                seed.executeUpdate();
            }
            String id = post(port, org, "/api/extractions", "{\"entities\": [\"activities\"]}").path("id").asString();
            waitUntil(() -> get(port, org, "/api/extractions/" + id).path("status").asString().equals("STREAMING"),
                    Duration.ofMinutes(2));
            assignAtEnd(consumer, topic);

            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        JsonNode body = JSON.readTree(r.value());
                        JsonNode seq = body.path("data").path("seq");
                        if (!seq.isMissingNode() && r.key().startsWith("activities:l-")) {
                            // the arrival is kept even if the writer has not noted its commit time yet (a writer
                            // descheduled between its commit and the note lost such a sample before — and with it
                            // the whole run, waiting for all n)
                            arrivedAt.putIfAbsent(seq.asLong(), now);
                        }
                    }
                }
            });
            reader.start();
            // steady load: 200 commits/s, one upsert each
            try (PreparedStatement ps = c.prepareStatement("insert into bulk_extract.activities (org, id, user_id, payload)"
                    + " values (?, ?, 'u1', ?::jsonb) on conflict (org, id) do update set payload = excluded.payload")) {
                long next = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    ps.setString(1, org);
                    ps.setString(2, "l-" + (i % 500));
                    ps.setString(3, "{\"seq\": " + i + "}");
                    sentAt.put(i, System.nanoTime());
                    ps.executeUpdate();
                    committedAt.put(i, System.nanoTime());
                    next += 5_000_000L;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
                    }
                }
            }
            try {
                waitUntil(() -> arrivedAt.size() >= n, Duration.ofMinutes(2));
            } catch (IllegalStateException timeout) {
                List<Long> missing = new ArrayList<>();
                for (long i = 0; i < n && missing.size() < 20; i++) {
                    if (!arrivedAt.containsKey(i)) {
                        missing.add(i);
                    }
                }
                throw new IllegalStateException(arrivedAt.size() + " of " + n + " changes arrived; first missing "
                        + missing + "; job " + get(port, org, "/api/extractions/" + id), timeout);
            }
            done.set(true);
            reader.join();
            post(port, org, "/api/extractions/" + id + "/cancel", "");
        }
        double[] baseline = dualWriteLatency(ctx, org, n);
        // commit → arrival; a record that arrived before its writer noted the commit counts from before the commit
        // statement was sent (an over-estimate: such samples can only make ours look slower)
        List<Long> oursLatency = new ArrayList<>();
        arrivedAt.forEach((seq, at) -> {
            long committed = committedAt.get(seq);
            oursLatency.add(at >= committed ? at - committed : at - sentAt.get(seq));
        });
        double[] ours = percentiles(oursLatency);
        return List.of(
                new Result(n + " changes at 200 commits/s, commit → consumer, p50",
                        "writer sends to Kafka itself after commit (dual write, linger 5 ms)", baseline[0], ours[0],
                        "ms p50", false),
                new Result(n + " changes at 200 commits/s, commit → consumer, p99",
                        "writer sends to Kafka itself after commit (dual write, linger 5 ms)", baseline[1], ours[1],
                        "ms p99", false));
    }

    /** The floor: the writer commits, then sends the change to Kafka itself; measured commit → consumer. */
    private static double[] dualWriteLatency(BenchContext ctx, String org, int n) throws Exception {
        var pg = ctx.postgres();
        String topic = "bench.extract-dual";
        ensureTopic(ctx, topic);
        Map<Long, Long> latency = new ConcurrentHashMap<>();
        Map<Long, Long> committedAt = new ConcurrentHashMap<>();
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg);
                KafkaConsumer<String, byte[]> consumer = consumer(ctx)) {
            assignAtEnd(consumer, topic);
            AtomicBoolean done = new AtomicBoolean();
            Thread reader = new Thread(() -> {
                while (!done.get()) {
                    for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(50))) {
                        long now = System.nanoTime();
                        if (r.key().startsWith("dual:")) {
                            long seq = Long.parseLong(r.key().substring(5));
                            Long at = committedAt.get(seq);
                            if (at != null) {
                                latency.putIfAbsent(seq, now - at);
                            }
                        }
                    }
                }
            });
            reader.start();
            try (PreparedStatement ps = c.prepareStatement("insert into bulk_extract.activities (org, id, user_id, payload)"
                    + " values (?, ?, 'u1', ?::jsonb) on conflict (org, id) do update set payload = excluded.payload")) {
                long next = System.nanoTime();
                for (long i = 0; i < n; i++) {
                    String body = "{\"seq\": " + i + "}";
                    ps.setString(1, org + "_d");
                    ps.setString(2, "d-" + (i % 500));
                    ps.setString(3, body);
                    ps.executeUpdate();
                    committedAt.put(i, System.nanoTime());
                    producer.send(new ProducerRecord<>(topic, "dual:" + i, body.getBytes()));
                    next += 5_000_000L;
                    long sleep = next - System.nanoTime();
                    if (sleep > 0) {
                        Thread.sleep(sleep / 1_000_000L, (int) (sleep % 1_000_000L));
                    }
                }
            }
            waitUntil(() -> latency.size() >= n, Duration.ofMinutes(2));
            done.set(true);
            reader.join();
        }
        return percentiles(latency.values());
    }

    /** Assigns every partition (no group join to wait for) and starts at the end. */
    private static void assignAtEnd(KafkaConsumer<String, byte[]> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
    }

    private static KafkaConsumer<String, byte[]> consumer(BenchContext ctx) {
        return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ConsumerConfig.GROUP_ID_CONFIG, "bench-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10));
    }

    private static double[] percentiles(java.util.Collection<Long> nanos) {
        long[] v = nanos.stream().mapToLong(Long::longValue).sorted().toArray();
        if (v.length == 0) {
            return new double[] {0, 0};
        }
        return new double[] {v[(int) (v.length * 0.50)] / 1e6, v[Math.min(v.length - 1, (int) (v.length * 0.99))] / 1e6};
    }

    private interface Check {
        boolean ok() throws Exception;
    }

    /** Until the relay has moved every captured change into the feed (staging empty). */
    private static void awaitRelayed(Statement st) throws Exception {
        waitUntil(() -> {
            try (var rs = st.executeQuery("select count(*) from bulk_extract.change_staging")) {
                rs.next();
                return rs.getLong(1) == 0;
            }
        }, Duration.ofMinutes(10));
    }

    private static void waitUntil(Check check, Duration max) throws Exception {
        waitUntil(check, max, Duration.ofMillis(20));
    }

    private static void waitUntil(Check check, Duration max, Duration every) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        while (!check.ok()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("timed out after " + max);
            }
            Thread.sleep(every.toMillis());
        }
    }

    private static JsonNode post(int port, String org, String path, String body) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)), org);
    }

    private static JsonNode get(int port, String org, String path) throws Exception {
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + path)).GET(), org);
    }

    private static JsonNode send(HttpRequest.Builder b, String org) throws Exception {
        HttpResponse<String> r = HTTP.send(b.header("Authorization",
                TOKENS.computeIfAbsent(org, o -> TestJwts.bearer(o, "admin"))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 300) {
            throw new IllegalStateException(r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }
}
