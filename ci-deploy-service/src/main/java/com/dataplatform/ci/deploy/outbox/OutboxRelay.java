package com.dataplatform.ci.deploy.outbox;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox rows in id order and deletes them once Kafka acknowledged them. Rows are locked with
 * {@code FOR UPDATE SKIP LOCKED}, so instances relay disjoint batches; a crash between send and delete re-sends with
 * the same {@code ce_id} (at-least-once, consumers dedupe by id).
 */
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    record Row(long id, String eventId, String topic, String type, String key, String tenant, String subject,
            String payload) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final JsonMapper json;

    public OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.json = json;
    }

    @Scheduled(fixedDelayString = "${ci-deploy.outbox-interval:200ms}")
    public void relay() {
        try {
            while (relayBatch(200) == 200) {
                // keep draining
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay failed, will retry: {}", e.toString());
        }
    }

    public int relayBatch(int limit) {
        Integer sent = tx.execute(status -> {
            List<Row> rows = jdbc.sql("""
                    select id, event_id::text, topic, type, key, tenant, subject, payload::text from outbox
                    order by id limit :limit for update skip locked""").param("limit", limit).query(Row.class).list();
            if (rows.isEmpty()) {
                return 0;
            }
            CompletableFuture<?>[] futures = rows.stream().map(r -> publisher.publish(OutgoingEvent.of(
                    TopicCatalog.byName(r.topic()).orElseThrow(), r.type(), r.key(), r.tenant(), r.subject(),
                    json.readTree(r.payload())).withId(r.eventId()))).toArray(CompletableFuture[]::new);
            try {
                CompletableFuture.allOf(futures).get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("outbox send failed: " + e, e);
            }
            jdbc.sql("delete from outbox where id = any(:ids)")
                    .param("ids", rows.stream().map(Row::id).toArray(Long[]::new)).update();
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }
}
