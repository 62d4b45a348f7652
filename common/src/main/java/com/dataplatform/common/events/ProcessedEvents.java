package com.dataplatform.common.events;

import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Idempotent consumption by {@code ce_id}: call {@link #firstDelivery} inside the transaction that applies the
 * event; a redelivered event returns false and must be skipped. Backed by the {@code processed_event} table
 * that every service creates in its own schema (V1 migration).
 */
public class ProcessedEvents {

    private final JdbcClient jdbc;

    public ProcessedEvents(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public boolean firstDelivery(String consumer, ReceivedEvent event) {
        return jdbc.sql("""
                insert into processed_event (consumer, event_id, topic, processed_at)
                values (:consumer, :id, :topic, now()) on conflict do nothing""")
                .param("consumer", consumer)
                .param("id", event.id())
                .param("topic", event.topic())
                .update() == 1;
    }
}
