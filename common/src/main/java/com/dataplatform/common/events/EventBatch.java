package com.dataplatform.common.events;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.topics.Topic;
import java.util.List;
import java.util.Objects;

/**
 * Many events of one type for one tenant (and subject), published together: the attributes they share are checked
 * and encoded once, not per event — for bulk producers such as a snapshot. Each item has its own key, id and body.
 */
public record EventBatch(Topic topic, String type, String tenant, String subject, List<Item> items) {

    /** One event of the batch; {@code id} null means a random one. */
    public record Item(String key, String id, Object data) {
        public Item {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(data, "data");
        }
    }

    public EventBatch {
        Objects.requireNonNull(topic, "topic");
        if (!topic.carries(type)) {
            throw new IllegalArgumentException(
                    "topic " + topic.name() + " does not carry event type " + type + " (see TopicCatalog)");
        }
        LakeNames.requireOrg(tenant);
        items = List.copyOf(items);
    }
}
