package com.dataplatform.dataflow.scheduler.observability;

import com.dataplatform.dataflow.scheduler.dispatch.DispatchLoop;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/** UP while the dispatcher loop has completed a step recently (within 5 poll intervals, at least 10 s). */
public class DispatcherHealthIndicator extends AbstractHealthIndicator {

    private final DispatchLoop loop;

    public DispatcherHealthIndicator(DispatchLoop loop) {
        this.loop = loop;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant last = loop.lastStep();
        Duration age = Duration.between(last, Instant.now());
        Duration limit = loop.pollInterval().multipliedBy(5);
        if (limit.compareTo(Duration.ofSeconds(10)) < 0) {
            limit = Duration.ofSeconds(10);
        }
        builder.withDetail("lastStep", last.toString()).withDetail("running", loop.isRunning());
        if (loop.isRunning() && age.compareTo(limit) <= 0) {
            builder.up();
        } else {
            builder.down();
        }
    }
}
