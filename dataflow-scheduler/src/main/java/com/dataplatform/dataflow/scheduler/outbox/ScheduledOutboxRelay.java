package com.dataplatform.dataflow.scheduler.outbox;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutboxRelay;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The suite's {@link OutboxRelay} on this service's schedule ({@code dataflow.outbox.poll-interval}, default 200 ms). */
public class ScheduledOutboxRelay extends OutboxRelay {

    public ScheduledOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    @Scheduled(fixedDelayString = "${dataflow.outbox.poll-interval:200ms}")
    public void relayScheduled() {
        relayPending();
    }
}
