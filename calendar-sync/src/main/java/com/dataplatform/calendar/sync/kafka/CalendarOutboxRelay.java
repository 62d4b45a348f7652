package com.dataplatform.calendar.sync.kafka;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutboxRelay;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The suite's {@link OutboxRelay} on this service's schedule ({@code calendar.relay.poll-interval}): publishes the
 * calendar.events rows {@code ChangeLog} writes to the {@code outbox} table in the transaction of each change, with
 * their stored ce_id, and deletes them once Kafka acknowledged. The only relay loop of this service.
 */
@Component
class CalendarOutboxRelay extends OutboxRelay {

    CalendarOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    @Scheduled(fixedDelayString = "${calendar.relay.poll-interval:500ms}")
    void relayScheduled() {
        relayPending();
    }
}
