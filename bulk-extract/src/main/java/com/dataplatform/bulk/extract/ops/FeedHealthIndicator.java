package com.dataplatform.bulk.extract.ops;

import com.dataplatform.bulk.extract.feed.ChangeRelay;
import java.time.Duration;
import java.time.Instant;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** UP while the change relay keeps succeeding: a stalled relay means extractions stop seeing changes. */
@Component("changeFeed")
class FeedHealthIndicator extends AbstractHealthIndicator {

    private static final Duration STALE = Duration.ofSeconds(30);

    private final ChangeRelay relay;

    FeedHealthIndicator(ChangeRelay relay) {
        super("change feed health check failed");
        this.relay = relay;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        Instant last = relay.lastSuccess();
        Duration age = Duration.between(last, Instant.now());
        (age.compareTo(STALE) > 0 ? builder.down() : builder.up())
                .withDetail("lastRelay", last.toString()).withDetail("head", relay.head());
    }
}
