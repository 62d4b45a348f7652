package com.dataplatform.bench.streams;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.stream.distributor.StreamDistributorApplication;
import com.dataplatform.stream.distributor.node.DistributorNode;
import com.dataplatform.stream.distributor.node.DistributorSettings;
import com.dataplatform.stream.distributor.node.OwnershipEvents;
import com.dataplatform.stream.distributor.stream.Destination;
import com.dataplatform.common.security.SecretSeal;
import com.dataplatform.stream.distributor.stream.Source;
import com.dataplatform.stream.distributor.stream.Stream;
import com.dataplatform.stream.distributor.stream.StreamStore;
import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * stream-distributor nodes without Spring, on the bench servers: the service's own table in a scratch schema, nodes
 * built from its classes with default settings, and a CloudEvents producer for the source topic.
 */
final class BenchCluster implements AutoCloseable {

    static final String SCHEMA = "bench_streams";
    static final String ORG = "bench";
    /** The bench's own data only: a fresh key per run. */
    private static final String SECRETS_KEY = SecretSeal.newKey();

    private final BenchContext ctx;
    private final HikariDataSource dataSource;
    final JdbcClient jdbc;
    final JsonMapper json = JsonMapper.builder().build();
    private final List<DistributorNode> nodes = new ArrayList<>();
    private final CloudEventCodec codec = new CloudEventCodec(json, "urn:dataplatform:bench");

    BenchCluster(BenchContext ctx) throws Exception {
        this.ctx = ctx;
        JdbcClient admin = JdbcClient.create(ctx.dataSource());
        admin.sql("drop schema if exists " + SCHEMA + " cascade").update();
        admin.sql("create schema " + SCHEMA).update();
        HikariConfig cfg = new HikariConfig();
        String url = ctx.postgres().jdbcUrl();
        cfg.setJdbcUrl(url + (url.contains("?") ? "&" : "?") + "currentSchema=" + SCHEMA);
        cfg.setUsername(ctx.postgres().username());
        cfg.setPassword(ctx.postgres().password());
        cfg.setMaximumPoolSize(12);
        cfg.setConnectionTimeout(1000);
        dataSource = new HikariDataSource(cfg);
        jdbc = JdbcClient.create(dataSource);
        for (String version : List.of("V2__streams_and_nodes.sql", "V3__sealed_webhook_secrets.sql")) {
            jdbc.sql(migration(version)).update();
        }
    }

    /** One of the service's own migrations, read from its jar (other services' jars carry files of the same name). */
    private static String migration(String version) throws Exception {
        URL base = StreamDistributorApplication.class.getProtectionDomain().getCodeSource().getLocation();
        String path = "db/stream_distributor/migration/" + version;
        URL file = base.toString().endsWith(".jar") ? new URL("jar:" + base + "!/" + path) : new URL(base, path);
        try (InputStream in = file.openStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    DistributorNode startNode(String id) {
        DistributorNode node = new DistributorNode(DistributorSettings.defaults(id, SECRETS_KEY), id, jdbc, dataSource,
                ctx.kafkaBootstrap(), new OutboundUrlGuard(List.of("127.0.0.0/8")), json, new SimpleMeterRegistry(),
                OwnershipEvents.NONE);
        node.start();
        nodes.add(node);
        return node;
    }

    void ensureTopic(String topic, int partitions) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", ctx.kafkaBootstrap()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    Stream addStream(String name, String sourceTopic, Destination destination, Map<Integer, Long> start) {
        String checkpoint = start.entrySet().stream().map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        return new StreamStore(jdbc, new SecretSeal(SECRETS_KEY, "bench key")).insert(ORG, name, new Source(sourceTopic, null), destination, checkpoint)
                .orElseThrow();
    }

    KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, ctx.kafkaBootstrap(),
                ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 5,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
    }

    record Row(String entity, long n, String payload) {
    }

    /** One source record of the bench org, as bulk-extract writes them. */
    org.apache.kafka.clients.producer.ProducerRecord<String, byte[]> record(String topic, long n) {
        OutgoingEvent e = OutgoingEvent.of(TopicCatalog.EXTRACT_RECORDS, "RecordExtracted", "entity-" + (n % 64), ORG,
                "job", new Row("entity-" + (n % 64), n, "x".repeat(120))).withId(UUID.randomUUID().toString());
        var r = codec.toRecord(e, OffsetDateTime.now());
        return new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null, r.key(), r.value(), r.headers());
    }

    @Override
    public void close() {
        nodes.forEach(DistributorNode::crash);
        dataSource.close();
    }
}
