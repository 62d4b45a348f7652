package com.dataplatform.stream.distributor.assignment;

/**
 * The node-local view of one stream's lease, on the monotonic clock. A claim or renewal that was <em>sent</em> at t
 * makes the database set expiry = db_now + ttl with db_now >= t, so the lease surely holds until t + ttl; the worker
 * stops at t + ttl - margin. No wall clock is compared with the database's.
 */
public final class Lease {

    private final long ttlNanos;
    private final long marginNanos;
    private volatile long deadlineNanos;

    public Lease(long sentAtNanos, long ttlNanos, long marginNanos) {
        this.ttlNanos = ttlNanos;
        this.marginNanos = marginNanos;
        this.deadlineNanos = sentAtNanos + ttlNanos - marginNanos;
    }

    /** Extends the lease after a renewal that was sent at {@code sentAtNanos} succeeded. */
    public void renewed(long sentAtNanos) {
        long next = sentAtNanos + ttlNanos - marginNanos;
        if (next > deadlineNanos) {
            deadlineNanos = next;
        }
    }

    public boolean valid() {
        return System.nanoTime() - deadlineNanos < 0;
    }

    /** Nanoseconds the owner may still act; 0 or less once it must stop. */
    public long remainingNanos() {
        return deadlineNanos - System.nanoTime();
    }

    public long marginNanos() {
        return marginNanos;
    }
}
