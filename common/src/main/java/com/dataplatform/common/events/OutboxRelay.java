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
import tools.jackson.databind.json.JsonMapper;

/**
 * Sends outbox rows in id order and deletes them once Kafka acknowledged all of them. One relayer per schema at a
 * time: a pass first tries the schema's relay lock (a transaction-scoped advisory lock, held until its rows are
 * acknowledged and deleted) and does nothing if another thread or instance holds it — that one is sending, and the
 * caller's next pass gets what is left. So the events of one key reach Kafka in the order their rows were written,
 * also with several instances. (With only {@code SKIP LOCKED}, a second relayer sent later rows while the first still
 * held earlier ones, or after its send failed and rolled back: a cancel could overtake the start it cancels.) A pass
 * stops publishing after {@link #PASS_DEADLINE} and rolls back, so an instance that cannot reach Kafka holds the lock
 * for a bounded time and nobody waits on it (no connection is held waiting). A crash after the send but before
 * the delete re-sends the same rows with the same {@code ce_id} (at-least-once; consumers dedupe by ce_id); a
 * rolled-back business transaction never wrote a row, so no event is invented.
 * <p>
 * Reads the {@code outbox} table of the connection's schema (columns id, event_id, topic, type, key, tenant, subject,
 * payload, and optionally request_id: the X-Request-Id of the request that wrote the row, sent as
 * {@code ce_requestid}); a service schedules {@link #relayPending()} at its own interval.
 */
public class OutboxRelay {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);
    /** How long one pass may spend publishing before it gives up (and rolls back, releasing the relay lock). */
    static final java.time.Duration PASS_DEADLINE = java.time.Duration.ofSeconds(30);

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
            while (relayBatch(500) >= 500) {
                // keep draining
            }
        } catch (RuntimeException e) {
            log.warn("outbox relay failed, will retry: {}", e.toString());
        }
    }

    protected final JdbcClient jdbc() {
        return jdbc;
    }

    protected final TransactionTemplate tx() {
        return tx;
    }

    /** Sends one batch; returns how many rows were sent (a subclass may count rows of more tables). */
    public int relayBatch(int limit) {
        Integer sent = tx.execute(status -> {
            if (!tryRelayLock()) {
                return 0;
            }
            List<Pending> rows = lockOutboxRows(limit);
            if (rows.isEmpty()) {
                return 0;
            }
            send(rows);
            deleteOutboxRows(rows.stream().map(Pending::id).toList());
            return rows.size();
        });
        return sent == null ? 0 : sent;
    }

    /**
     * Takes this schema's relay lock if no other relayer holds it (held until the caller's transaction ends); call it
     * first in a relay transaction and relay nothing without it. The reads after it (later statements, so later
     * snapshots) see everything an earlier relayer left.
     */
    protected final boolean tryRelayLock() {
        return Boolean.TRUE.equals(jdbc.sql(
                "select pg_try_advisory_xact_lock(hashtextextended('dataplatform-outbox-relay|' || current_schema(), 0))")
                .query(Boolean.class).single());
    }

    /** An event read from a relay's table: the row's id, the event (with its stored id) and the request that wrote it. */
    public record Pending(long id, OutgoingEvent event, String requestId) {
    }

    /**
     * Publishes every event in list order and waits until Kafka acknowledged all of them (30 s); throws otherwise, so
     * the caller's transaction rolls back and its rows are sent again later with the same ids.
     */
    protected final void send(List<Pending> events) {
        long deadline = System.nanoTime() + PASS_DEADLINE.toNanos();
        CompletableFuture<?>[] futures = new CompletableFuture<?>[events.size()];
        for (int i = 0; i < events.size(); i++) {
            if (System.nanoTime() > deadline) { // e.g. every publish blocked waiting for metadata
                throw new IllegalStateException("outbox send gave up after " + PASS_DEADLINE + " (" + i + " of "
                        + events.size() + " handed to the producer)");
            }
            Pending p = events.get(i);
            if (p.requestId() != null) {
                MDC.put(RequestIdFilter.MDC_KEY, p.requestId()); // the publisher stamps it as ce_requestid
            }
            try {
                futures[i] = publisher.publish(p.event());
            } finally {
                MDC.remove(RequestIdFilter.MDC_KEY);
            }
        }
        try {
            CompletableFuture.allOf(futures).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("outbox send failed: " + e, e);
        }
    }

    /** The rows of this schema's {@code outbox} table, oldest first, locked {@code FOR UPDATE SKIP LOCKED}. */
    protected final List<Pending> lockOutboxRows(int limit) {
        return jdbc.sql("select id, event_id::text, topic, type, key, tenant, subject, payload::text, "
                + requestIdColumn() + " from outbox order by id limit :limit for update skip locked")
                .param("limit", limit).query(Row.class).list().stream()
                .map(r -> outboxEvent(r.id(), r.eventId(), r.topic(), r.type(), r.key(), r.tenant(), r.subject(),
                        r.payload(), r.requestId()))
                .toList();
    }

    /** The event an outbox row holds (its payload parsed, its stored id kept), for a subclass that reads the row. */
    protected final Pending outboxEvent(long id, String eventId, String topic, String type, String key, String tenant,
            String subject, String payload, String requestId) {
        return new Pending(id, OutgoingEvent.of(TopicCatalog.byName(topic).orElseThrow(), type, key, tenant, subject,
                json.readTree(payload)).withId(eventId), requestId);
    }

    /** Deletes the given outbox rows (after {@link #send}). */
    protected final void deleteOutboxRows(List<Long> ids) {
        if (!ids.isEmpty()) {
            jdbc.sql("delete from outbox where id = any(:ids)").param("ids", ids.toArray(Long[]::new)).update();
        }
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
