package com.dataplatform.dataflow.scheduler.outbox;

import org.slf4j.MDC;
import com.dataplatform.common.topics.Topic;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends events to the outbox table inside the caller's transaction: an event exists if and only if the change
 * it announces committed. {@link com.dataplatform.common.events.OutboxRelay} sends it later with the stored id as {@code ce_id}.
 */
public class Outbox {

    /** One event to append. */
    public record Entry(Topic topic, String type, String key, String tenant, String subject, Object data) {
        public Entry {
            if (!topic.carries(type)) {
                throw new IllegalArgumentException(topic.name() + " does not carry " + type);
            }
        }
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void append(Topic topic, String type, String key, String tenant, String subject, Object data) {
        appendAll(List.of(new Entry(topic, type, key, tenant, subject, data)));
    }

    /** Appends all entries with one statement. */
    public void appendAll(List<Entry> entries) {
        if (entries.isEmpty()) {
            return;
        }
        int n = entries.size();
        String[] ids = new String[n];
        String[] topics = new String[n];
        String[] types = new String[n];
        String[] keys = new String[n];
        String[] tenants = new String[n];
        String[] subjects = new String[n];
        String[] payloads = new String[n];
        for (int i = 0; i < n; i++) {
            Entry e = entries.get(i);
            ids[i] = UUID.randomUUID().toString();
            topics[i] = e.topic().name();
            types[i] = e.type();
            keys[i] = e.key();
            tenants[i] = e.tenant();
            subjects[i] = e.subject();
            payloads[i] = json.writeValueAsString(e.data());
        }
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload, request_id)
                select e, t, ty, k, te, s, cast(p as jsonb), cast(:requestId as text)
                from unnest(cast(:ids as uuid[]), cast(:topics as text[]), cast(:types as text[]), cast(:keys as text[]),
                            cast(:tenants as text[]), cast(:subjects as text[]), cast(:payloads as text[]))
                     as x(e, t, ty, k, te, s, p)""")
                .param("ids", ids).param("topics", topics).param("types", types).param("keys", keys)
                .param("tenants", tenants).param("subjects", subjects).param("payloads", payloads)
                .param("requestId", MDC.get("requestId")).update();
    }
}
