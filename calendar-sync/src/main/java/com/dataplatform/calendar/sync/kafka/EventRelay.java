package com.dataplatform.calendar.sync.kafka;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Publishes the calendar.events outbox: rows are written in the transaction that changed the event, sent in id
 * order with their stored ce_id (a re-send after a crash carries the same id, so consumers drop it) and deleted only
 * after Kafka acknowledged them — at least once, never lost.
 */
@Component
class EventRelay {

    private static final Logger log = LoggerFactory.getLogger(EventRelay.class);
    private static final int BATCH = 200;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final JsonMapper json;

    EventRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.json = json;
    }

    private record Row(long id, String eventId, String type, String key, String org, String subject, String data) {
    }

    @Scheduled(fixedDelayString = "${calendar.relay.poll-interval:500ms}")
    void relay() {
        try {
            while (Boolean.TRUE.equals(tx.execute(s -> sendBatch()))) {
                // keep going while full batches were sent
            }
        } catch (RuntimeException e) {
            log.warn("calendar.events relay pass failed: {}", e.toString());
        }
    }

    private boolean sendBatch() {
        List<Row> rows = jdbc.sql("""
                select id, event_id::text, type, key, org, subject, data::text from event_outbox
                order by id limit ? for update skip locked""").param(BATCH)
                .query((rs, n) -> new Row(rs.getLong(1), rs.getString(2), rs.getString(3), rs.getString(4),
                        rs.getString(5), rs.getString(6), rs.getString(7))).list();
        for (Row r : rows) {
            JsonNode data = json.readTree(r.data());
            try {
                publisher.publish(OutgoingEvent.of(TopicCatalog.CALENDAR_EVENTS, r.type(), r.key(), r.org(), r.subject(), data)
                        .withId(r.eventId())).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("publishing " + r.eventId() + " failed", e);
            }
            jdbc.sql("delete from event_outbox where id = ?").param(r.id()).update();
        }
        return rows.size() == BATCH;
    }
}
