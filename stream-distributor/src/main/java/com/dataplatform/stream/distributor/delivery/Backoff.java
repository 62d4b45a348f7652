package com.dataplatform.stream.distributor.delivery;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with full jitter: a uniform delay in [0, min(max, base * 2^attempt)]. */
public record Backoff(Duration base, Duration max) {

    public long delayMillis(int attempt) {
        long cap = Math.min(max.toMillis(), base.toMillis() << Math.min(attempt, 20));
        return ThreadLocalRandom.current().nextLong(cap + 1);
    }
}
