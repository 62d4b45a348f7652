package com.dataplatform.dataflow.scheduler.dispatch;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The two transaction-scoped advisory locks that serialize dispatch. {@code CLAIM}: at most one dispatcher
 * instance evaluates and starts runs at a time (others skip their tick). {@code QUEUE}: enqueuers hold it shared,
 * the claimer exclusively, so when a claim runs every run with a lower {@code seq} than a visible one is committed
 * — {@code seq} order is enqueue order as the dispatcher sees it.
 */
final class DispatchLocks {
    // The claimer takes CLAIM (try) and QUEUE (exclusive) inside dispatch_step (migrations V6-V11) with these numbers.

    /** "dflw" — the advisory-lock class of this service. */
    static final int CLASS = 0x64666c77;
    static final int CLAIM = 1;
    static final int QUEUE = 2;

    private DispatchLocks() {
    }

    static void lockQueueShared(JdbcClient jdbc) {
        jdbc.sql("select pg_advisory_xact_lock_shared(:c, :k)").param("c", CLASS).param("k", QUEUE).query().singleValue();
    }
}
