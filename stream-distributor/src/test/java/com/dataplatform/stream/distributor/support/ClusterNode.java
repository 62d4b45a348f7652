package com.dataplatform.stream.distributor.support;

import com.dataplatform.stream.distributor.StreamDistributorApplication;
import com.dataplatform.stream.distributor.node.DistributorNode;
import com.dataplatform.testsupport.SuitePostgres;
import com.dataplatform.testsupport.TestJwts;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** One node of the service: its own Spring application context (own pools, clients, daemons) in this JVM. */
public final class ClusterNode implements AutoCloseable {

    private final String id;
    private final ConfigurableApplicationContext context;

    private ClusterNode(String id, ConfigurableApplicationContext context) {
        this.id = id;
        this.context = context;
    }

    /** Starts a node whose Kafka clients bootstrap from {@code kafkaBootstrap} (e.g. a {@link TcpProxy}). */
    public static ClusterNode start(String id, String kafkaBootstrap, Map<String, Object> settings) {
        return start(id, kafkaBootstrap, SuitePostgres.get().jdbcUrl(), settings);
    }

    /** Starts a node with its own routes to Kafka and Postgres (either may be a {@link TcpProxy}). */
    public static ClusterNode start(String id, String kafkaBootstrap, String jdbcUrl, Map<String, Object> settings) {
        SuitePostgres.Connection pg = SuitePostgres.get();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", jdbcUrl);
        p.put("spring.datasource.username", pg.username());
        p.put("spring.datasource.password", pg.password());
        p.put("spring.datasource.hikari.maximum-pool-size", 4);
        p.put("spring.kafka.bootstrap-servers", kafkaBootstrap);
        p.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
                "file:" + TestJwts.publicKeyPem().toAbsolutePath());
        p.put("server.port", 0);
        p.put("suite.outbound.allowlist", "127.0.0.0/8");
        p.put("stream-distributor.node-id", id);
        p.putAll(settings);
        // command-line arguments outrank application.yml (builder "properties" would only be defaults)
        String[] args = p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new);
        ConfigurableApplicationContext ctx = new SpringApplicationBuilder(StreamDistributorApplication.class)
                .run(args);
        return new ClusterNode(id, ctx);
    }

    /** The host:port of a JDBC URL, e.g. to put a {@link TcpProxy} in front of it. */
    public static String hostPort(String jdbcUrl) {
        String rest = jdbcUrl.substring(jdbcUrl.indexOf("//") + 2);
        return rest.substring(0, rest.indexOf('/'));
    }

    public String id() {
        return id;
    }

    public DistributorNode node() {
        return context.getBean(DistributorNode.class);
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    /**
     * Abrupt death: nothing is released, the streams stay owned until their leases expire. Returns once the node is
     * dead; the rest of the context (web server, pools, clients) is closed in the background so its shutdown time is
     * not counted as failover time.
     */
    public void kill() {
        node().crash();
        Thread closer = new Thread(context::close, "close-" + id);
        closer.setDaemon(true);
        closer.start();
    }

    /** Graceful stop (what SIGTERM does): hands every stream back at once. */
    @Override
    public void close() {
        if (context.isActive()) {
            context.close();
        }
    }
}
