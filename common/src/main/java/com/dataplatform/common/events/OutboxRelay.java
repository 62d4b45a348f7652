package com.dataplatform.common.events;

import com.dataplatform.common.web.RequestIdFilter;
import org.slf4j.MDC;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox rows in id order and deletes them once Kafka acknowledged all of them. Rows are locked with
 * {@code FOR UPDATE SKIP LOCKED} so several instances relay disjoint batches. A crash after the send but before
 * the delete re-sends the same rows with the same {@code ce_id} (at-least-once; consumers dedupe by ce_id); a
 * rolled-back business transaction never wrote a row, so no event is invented.
 * <p>
 * Reads the {@code outbox} table of the connection's schema (columns id, event_id, topic, type, key, tenant, subject,
 * payload, and optionally request_id: the X-Request-Id of the request that wrote the row, sent as
 * {@code ce_requestid}); a service schedules {@link #relayPending()} at its own interval.
 */
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    record Row(long id, String eventId, String topic, String type, String key, String tenant, String subject,
            String payload, String requestId) {
    }

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventPublisher publisher;
    private final JsonMapper json;
    private volatile String requestIdColumn;

    public OutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.publisher = publisher;
        this.json = json;
    }

    /** Sends everything pending, batch after batch; a failure is logged and retried on the next call. */
    public void relayPending() {
        try {
            while (relayBatch(500) == 500) {
                // keep draining
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay failed, will retry: {}", e.toString());
        }
    }

    /** Sends one batch; returns how many rows were sent. */
    public int relayBatch(int limit) {
        Integer sent = tx.execute(status -> {
            List<Row> rows = jdbc.sql("select id, event_id::text, topic, type, key, tenant, subject, payload::text, "
                    + requestIdColumn() + " from outbox order by id limit :limit for update skip locked")
                    .param("limit", limit).query(Row.class).list();
            if (rows.isEmpty()) {
                return 0;
            }
            CompletableFuture<?>[] futures = new CompletableFuture<?>[rows.size()];
            for (int i = 0; i < rows.size(); i++) {
                Row r = rows.get(i);
                JsonNode data = json.readTree(r.payload());
                OutgoingEvent event = OutgoingEvent.of(TopicCatalog.byName(r.topic()).orElseThrow(), r.type(),
                        r.key(), r.tenant(), r.subject(), data).withId(r.eventId());
                if (r.requestId() != null) {
                    MDC.put(RequestIdFilter.MDC_KEY, r.requestId()); // the publisher stamps it as ce_requestid
                }
                try {
                    futures[i] = publisher.publish(event);
                } finally {
                    MDC.remove(RequestIdFilter.MDC_KEY);
                }
            }
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

    /** {@code request_id} when the service's outbox has that column, else a null literal (looked up once). */
    private String requestIdColumn() {
        String column = requestIdColumn;
        if (column == null) {
            boolean present = jdbc.sql("""
                    select exists (select 1 from information_schema.columns
                                   where table_schema = current_schema() and table_name = 'outbox'
                                     and column_name = 'request_id')""").query(Boolean.class).single();
            column = present ? "request_id" : "cast(null as text) as request_id";
            requestIdColumn = column;
        }
        return column;
    }
}
