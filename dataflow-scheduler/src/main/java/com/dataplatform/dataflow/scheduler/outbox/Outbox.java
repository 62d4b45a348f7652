package com.dataplatform.dataflow.scheduler.outbox;

import com.dataplatform.common.topics.Topic;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends an event to the outbox table inside the caller's transaction: the event exists if and only if the change
 * it announces committed. {@link OutboxRelay} sends it later with the stored id as {@code ce_id}.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void append(Topic topic, String type, String key, String tenant, String subject, Object data) {
        if (!topic.carries(type)) {
            throw new IllegalArgumentException(topic.name() + " does not carry " + type);
        }
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload)
                values (:id, :topic, :type, :key, :tenant, :subject, cast(:payload as jsonb))""")
                .param("id", UUID.randomUUID()).param("topic", topic.name()).param("type", type)
                .param("key", key).param("tenant", tenant).param("subject", subject)
                .param("payload", json.writeValueAsString(data)).update();
    }
}
