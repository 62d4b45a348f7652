package com.dataplatform.stream.distributor.node;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.security.SecretSeal;
import com.dataplatform.stream.distributor.stream.StreamRegistrar;
import com.dataplatform.stream.distributor.stream.StreamStore;
import com.dataplatform.stream.distributor.stream.TopicAdmin;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import javax.sql.DataSource;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.core.KafkaAdmin;
import tools.jackson.databind.json.JsonMapper;

/** Wires the node, its lifecycle (graceful hand-back on shutdown) and the stream API's collaborators. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(DistributorSettings.class)
class NodeConfiguration {

    @Bean(destroyMethod = "close")
    PublishedOwnershipEvents ownershipEvents(EventPublisher publisher) {
        return new PublishedOwnershipEvents(publisher);
    }

    @Bean
    DistributorNode distributorNode(DistributorSettings settings, JdbcClient jdbc, DataSource dataSource,
            Environment env, OutboundUrlGuard guard, JsonMapper json, MeterRegistry meters,
            PublishedOwnershipEvents events, StreamStore store) {
        String id = settings.nodeId().isBlank() ? defaultNodeId() : settings.nodeId();
        int sealed = store.sealPlainSecrets(); // before this node claims anything
        if (sealed > 0) {
            LoggerFactory.getLogger(NodeConfiguration.class).info("sealed {} plain-text webhook secrets",
                    sealed);
        }
        return new DistributorNode(settings, id, jdbc, dataSource,
                env.getRequiredProperty("spring.kafka.bootstrap-servers"), guard, json, meters, events);
    }

    @Bean
    SmartLifecycle distributorNodeLifecycle(DistributorNode node) {
        return new NodeLifecycle(node);
    }

    @Bean(destroyMethod = "close")
    TopicAdmin topicAdmin(KafkaAdmin admin) {
        return new TopicAdmin(admin.getConfigurationProperties());
    }

    @Bean
    SecretSeal secretSeal(DistributorSettings settings) {
        return settings.secretSeal();
    }

    @Bean
    StreamStore streamStore(JdbcClient jdbc, SecretSeal seal) {
        return new StreamStore(jdbc, seal);
    }

    @Bean
    StreamRegistrar streamRegistrar(StreamStore store, OutboundUrlGuard guard, TopicAdmin topics) {
        return new StreamRegistrar(store, guard, topics);
    }

    private static String defaultNodeId() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "node";
        }
        return host + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Starts the daemons once the context is up; stops first on shutdown so every stream is handed back. */
    static final class NodeLifecycle implements SmartLifecycle {

        private final DistributorNode node;
        private volatile boolean running;

        NodeLifecycle(DistributorNode node) {
            this.node = node;
        }

        @Override
        public void start() {
            node.start();
            running = true;
        }

        @Override
        public void stop() {
            node.shutdown();
            running = false;
        }

        @Override
        public boolean isRunning() {
            return running;
        }
    }
}
