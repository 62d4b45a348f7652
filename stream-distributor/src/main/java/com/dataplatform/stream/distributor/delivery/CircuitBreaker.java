package com.dataplatform.stream.distributor.delivery;

/**
 * Per-stream circuit breaker, used by one worker thread only: after {@code threshold} consecutive failures it opens
 * (the stream turns DEGRADED) and lets a trial delivery through every {@code cooldownMillis}; one success closes it.
 */
public final class CircuitBreaker {

    private final int threshold;
    private final long cooldownMillis;
    private int consecutiveFailures;

    public CircuitBreaker(int threshold, long cooldownMillis) {
        this.threshold = threshold;
        this.cooldownMillis = cooldownMillis;
    }

    /** Records a failure; true exactly when this failure opened the circuit. */
    public boolean failure() {
        consecutiveFailures++;
        return consecutiveFailures == threshold;
    }

    /** Records a success; true when it closed an open circuit. */
    public boolean success() {
        boolean wasOpen = open();
        consecutiveFailures = 0;
        return wasOpen;
    }

    public boolean open() {
        return consecutiveFailures >= threshold;
    }

    /** How long to wait before the next attempt while open. */
    public long cooldownMillis() {
        return cooldownMillis;
    }
}
