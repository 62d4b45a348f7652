package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutboxRelay;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Publishes the job events written to {@code outbox} with their state change (see {@link JobStore#fail}). */
@Component
class JobOutboxRelay extends OutboxRelay {

    JobOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    @Scheduled(fixedDelayString = "${bulk-extract.outbox-interval:200ms}")
    void relay() {
        relayPending();
    }
}
