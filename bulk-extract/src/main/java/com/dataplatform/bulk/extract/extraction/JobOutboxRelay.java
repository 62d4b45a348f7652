package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutboxRelay;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the job events written to {@code outbox} with their state change (see {@link JobStore}): every
 * {@code outbox-interval}, and at once on its own thread when a request just wrote one ({@link #relaySoon()}).
 */
@Component
class JobOutboxRelay extends OutboxRelay implements DisposableBean {

    private final ExecutorService soon = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "job-outbox");
        t.setDaemon(true);
        return t;
    });

    JobOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    /** Relays pending rows now on the relay's own thread rather than at the next tick. */
    void relaySoon() {
        soon.execute(this::relayPending);
    }

    /** Whether the job's {@code SnapshotCompleted} marker is still in the outbox (not yet acknowledged by Kafka). */
    boolean markerPending(java.util.UUID job) {
        return jdbc().sql("select exists (select 1 from outbox where key = :k and type = 'SnapshotCompleted')")
                .param("k", job.toString()).query(Boolean.class).single();
    }

    @Override
    public void destroy() {
        soon.shutdownNow();
    }

    @Scheduled(fixedDelayString = "${bulk-extract.outbox-interval:200ms}")
    void relay() {
        relayPending();
    }
}
