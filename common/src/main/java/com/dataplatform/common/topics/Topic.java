package com.dataplatform.common.topics;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * One Kafka topic of the suite: who owns (creates and publishes to) it, what its key is, which event
 * types it carries and who consumes it.
 */
public record Topic(
        String name,
        SuiteService owner,
        String key,
        List<String> eventTypes,
        Set<SuiteService> consumers,
        int partitions,
        Duration retention,
        String description) {

    public Topic {
        if (!name.matches("[a-z][a-z0-9-]*\\.[a-z][a-z0-9-.]*")) {
            throw new IllegalArgumentException("topic names are <domain>.<stream>: " + name);
        }
        eventTypes = List.copyOf(eventTypes);
        consumers = Set.copyOf(consumers);
    }

    /** The dead-letter topic that consumers of this topic send poison records to. */
    public String deadLetterTopic() {
        return name + ".dlt";
    }

    public boolean carries(String eventType) {
        return eventTypes.contains(eventType);
    }
}
