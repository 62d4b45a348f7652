package com.dataplatform.common.observability;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.DescribeClusterResult;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP when the Kafka cluster answers a describe-cluster request within the timeout, with its id and broker count. */
public class KafkaHealthIndicator extends AbstractHealthIndicator implements DisposableBean {

    private final Map<String, Object> config;
    private final Duration timeout;
    private volatile AdminClient admin;

    public KafkaHealthIndicator(Map<String, Object> adminConfig, Duration timeout) {
        super("Kafka health check failed");
        this.config = new HashMap<>(adminConfig);
        int ms = (int) timeout.toMillis();
        this.config.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms);
        this.config.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms);
        this.timeout = timeout;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        DescribeClusterResult cluster = admin().describeCluster(
                new DescribeClusterOptions().timeoutMs((int) timeout.toMillis()));
        String clusterId = cluster.clusterId().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        int brokers = cluster.nodes().get(timeout.toMillis(), TimeUnit.MILLISECONDS).size();
        builder.up().withDetail("clusterId", clusterId).withDetail("brokers", brokers);
    }

    private AdminClient admin() {
        AdminClient a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    admin = AdminClient.create(config);
                }
                a = admin;
            }
        }
        return a;
    }

    @Override
    public void destroy() {
        AdminClient a = admin;
        if (a != null) {
            a.close(Duration.ofSeconds(2));
        }
    }
}
