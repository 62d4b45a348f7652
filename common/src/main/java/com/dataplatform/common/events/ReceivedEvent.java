package com.dataplatform.common.events;

import java.time.OffsetDateTime;
import tools.jackson.databind.json.JsonMapper;

/** A CloudEvent read from a Kafka record, with its position for logging and checkpoints. */
public record ReceivedEvent(
        String id, String source, String type, OffsetDateTime time, String subject, String tenant,
        String key, byte[] data, String topic, int partition, long offset) {

    public <T> T dataAs(Class<T> type, JsonMapper json) {
        try {
            return json.readValue(data, type);
        } catch (RuntimeException e) {
            throw new InvalidEventException("event " + id + " on " + topic + " has a body that is not a "
                    + type.getSimpleName() + ": " + e.getMessage(), e);
        }
    }
}
