package com.dataplatform.common.events;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.topics.Topic;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.UUID;

/**
 * An event about to be published. {@code id} and {@code time} may be fixed by the caller, e.g. an outbox
 * row that is re-sent after a crash keeps its id, so consumers can drop the duplicate by {@code ce_id}.
 */
public record OutgoingEvent(
        Topic topic, String type, String key, String tenant, String subject, Object data, String id,
        OffsetDateTime time) {

    public OutgoingEvent {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(data, "data");
        if (!topic.carries(type)) {
            throw new IllegalArgumentException(
                    "topic " + topic.name() + " does not carry event type " + type + " (see TopicCatalog)");
        }
        LakeNames.requireOrg(tenant);
        id = id == null ? UUID.randomUUID().toString() : id;
    }

    public static OutgoingEvent of(Topic topic, String type, String key, String tenant, String subject, Object data) {
        return new OutgoingEvent(topic, type, key, tenant, subject, data, null, null);
    }

    public OutgoingEvent withId(String newId) {
        return new OutgoingEvent(topic, type, key, tenant, subject, data, newId, time);
    }

    public OutgoingEvent at(OffsetDateTime newTime) {
        return new OutgoingEvent(topic, type, key, tenant, subject, data, id, newTime);
    }
}
