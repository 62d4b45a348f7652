package com.dataplatform.dataflow.scheduler.dispatch;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The two transaction-scoped advisory locks that serialize dispatch. {@code CLAIM}: at most one dispatcher
 * instance evaluates and starts runs at a time (others skip their tick). {@code QUEUE}: enqueuers hold it shared,
 * the claimer exclusively, so when a claim runs every run with a lower {@code seq} than a visible one is committed
 * — {@code seq} order is enqueue order as the dispatcher sees it.
 */
final class DispatchLocks {

    /** "dflw" — the advisory-lock class of this service. */
    static final int CLASS = 0x64666c77;
    static final int CLAIM = 1;
    static final int QUEUE = 2;

    private DispatchLocks() {
    }

    static boolean tryClaim(JdbcClient jdbc) {
        return Boolean.TRUE.equals(jdbc.sql("select pg_try_advisory_xact_lock(:c, :k)").param("c", CLASS)
                .param("k", CLAIM).query(Boolean.class).single());
    }

    static void lockQueueExclusive(JdbcClient jdbc) {
        jdbc.sql("select pg_advisory_xact_lock(:c, :k)").param("c", CLASS).param("k", QUEUE).query().singleValue();
    }

    static void lockQueueShared(JdbcClient jdbc) {
        jdbc.sql("select pg_advisory_xact_lock_shared(:c, :k)").param("c", CLASS).param("k", QUEUE).query().singleValue();
    }
}
