package com.dataplatform.stream.distributor.node;

import com.dataplatform.stream.distributor.connectivity.ConnectivityDaemon;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/**
 * {@code distributorNode}: UP while the node takes part in distribution; shows each dependency as its connectivity
 * daemon last saw it, and how many streams the node owns.
 */
@Component("distributorNodeHealthIndicator")
class NodeHealthIndicator extends AbstractHealthIndicator {

    private final DistributorNode node;

    NodeHealthIndicator(DistributorNode node) {
        this.node = node;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.status(node.connected() ? "UP" : "OUT_OF_SERVICE").withDetail("node", node.id())
                .withDetail("ownedStreams", node.ownedCount());
        for (var e : node.dependencies().entrySet()) {
            ConnectivityDaemon.DependencyState s = e.getValue();
            builder.withDetail(e.getKey(), s.consecutiveFailures() == 0 ? "UP"
                    : "DOWN (" + s.consecutiveFailures() + " misses: " + s.lastError() + ")");
        }
    }
}
