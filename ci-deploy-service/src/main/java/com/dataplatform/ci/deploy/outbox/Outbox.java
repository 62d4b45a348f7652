package com.dataplatform.ci.deploy.outbox;

import com.dataplatform.common.topics.TopicCatalog;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends a {@code deploy.events} event inside the caller's transaction: the event exists if and only if the state
 * change it announces committed. {@link com.dataplatform.common.events.OutboxRelay} sends it later with the stored id as {@code ce_id}.
 */
public class Outbox {

    private final JdbcClient jdbc;
    private final JsonMapper json;

    public Outbox(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public void append(String type, String app, String org, int version, Object data) {
        if (!TopicCatalog.DEPLOY_EVENTS.carries(type)) {
            throw new IllegalArgumentException("deploy.events does not carry " + type);
        }
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload)
                values (:id, :topic, :type, :key, :tenant, :subject, cast(:payload as jsonb))""")
                .param("id", UUID.randomUUID()).param("topic", TopicCatalog.DEPLOY_EVENTS.name())
                .param("type", type).param("key", app).param("tenant", org).param("subject", app + "/v" + version)
                .param("payload", json.writeValueAsString(data)).update();
    }
}
