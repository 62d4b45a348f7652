package com.dataplatform.ci.deploy.outbox;

import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.common.web.RequestIdFilter;
import java.util.UUID;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * Appends a {@code deploy.events} event inside the caller's transaction: the event exists if and only if the state
 * change it announces committed. {@link com.dataplatform.common.events.OutboxRelay} sends it later with the stored id as
 * {@code ce_id} and the stored request id as {@code ce_requestid}.
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
        // the request being served (a rollback), else the upload that created the version
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload, request_id)
                values (:id, :topic, :type, :key, :tenant, :subject, cast(:payload as jsonb),
                        coalesce(:rid, (select request_id from app_version where app = :key and version = :version)))""")
                .param("id", UUID.randomUUID()).param("topic", TopicCatalog.DEPLOY_EVENTS.name())
                .param("type", type).param("key", app).param("tenant", org).param("subject", app + "/v" + version)
                .param("version", version).param("payload", json.writeValueAsString(data))
                .param("rid", MDC.get(RequestIdFilter.MDC_KEY)).update();
    }
}
