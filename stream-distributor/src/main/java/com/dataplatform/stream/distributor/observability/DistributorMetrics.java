package com.dataplatform.stream.distributor.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.function.Supplier;

/** The node's domain metrics ({@code stream.distributor.*}), tagged with the node id. */
public class DistributorMetrics {

    private final Counter claims;
    private final Counter releases;
    private final Counter failovers;
    private final Counter fencedWrites;
    private final Counter deliveries;
    private final Counter deliveryErrors;
    private final Timer timeWithoutOwner;

    public DistributorMetrics(MeterRegistry registry, String node, Supplier<Number> owned, Supplier<Number> lag) {
        claims = counter(registry, "claims", node, "streams this node claimed");
        releases = counter(registry, "releases", node, "streams this node handed back");
        failovers = counter(registry, "failovers", node, "streams claimed after their previous owner's lease expired");
        fencedWrites = counter(registry, "fenced.writes", node, "writes rejected because the epoch had moved on");
        deliveries = counter(registry, "deliveries", node, "records delivered to destinations");
        deliveryErrors = counter(registry, "delivery.errors", node, "failed delivery attempts");
        // fixed buckets around lease lengths, so dashboards can show percentiles of a failover's gap
        timeWithoutOwner = Timer.builder("stream.distributor.time.without.owner").tag("node", node)
                .description("how long a stream had no live owner before this node claimed it")
                .serviceLevelObjectives(java.util.stream.LongStream.of(100, 500, 1_000, 2_000, 5_000, 10_000, 15_000,
                        30_000, 60_000, 120_000).mapToObj(Duration::ofMillis).toArray(Duration[]::new))
                .register(registry);
        Gauge.builder("stream.distributor.owned", owned).tag("node", node).description("streams owned by this node")
                .register(registry);
        Gauge.builder("stream.distributor.lag", lag).tag("node", node)
                .description("records not yet delivered, summed over owned streams").register(registry);
    }

    private static Counter counter(MeterRegistry r, String name, String node, String description) {
        return Counter.builder("stream.distributor." + name).tag("node", node).description(description).register(r);
    }

    public void claimed(boolean failover, long unownedMillis) {
        claims.increment();
        if (failover) {
            failovers.increment();
        }
        timeWithoutOwner.record(Duration.ofMillis(Math.max(0, unownedMillis)));
    }

    public void released(int n) {
        releases.increment(n);
    }

    public void fenced() {
        fencedWrites.increment();
    }

    public void delivered(int records) {
        deliveries.increment(records);
    }

    public void deliveryFailed() {
        deliveryErrors.increment();
    }
}
