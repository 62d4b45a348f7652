package com.dataplatform.common.topics;

import com.dataplatform.common.events.CloudEventHeaders;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds the AsyncAPI 3.0 document of one service from the {@link TopicCatalog}: the topics it owns (send) and
 * consumes (receive), each message with its CloudEvents headers and Kafka key.
 */
public final class AsyncApiDocument {

    private AsyncApiDocument() {
    }

    public static Map<String, Object> forService(SuiteService service, String version) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("asyncapi", "3.0.0");
        doc.put("info", map("title", service.id() + " events", "version", version,
                "description", "Kafka topics " + service.id() + " publishes and consumes. Every message is a "
                        + "CloudEvents 1.0 event in binary mode: attributes as ce_* headers, JSON body, key = aggregate id."));
        doc.put("defaultContentType", CloudEventHeaders.JSON);
        Map<String, Object> channels = new LinkedHashMap<>();
        Map<String, Object> operations = new LinkedHashMap<>();
        Map<String, Object> messages = new LinkedHashMap<>();
        List<Topic> relevant = new ArrayList<>(TopicCatalog.ownedBy(service));
        TopicCatalog.consumedBy(service).stream().filter(t -> !relevant.contains(t)).forEach(relevant::add);
        for (Topic topic : relevant) {
            String channelId = channelId(topic);
            Map<String, Object> channelMessages = new LinkedHashMap<>();
            List<Object> refs = new ArrayList<>();
            for (String type : topic.eventTypes()) {
                messages.put(type, message(topic, type));
                channelMessages.put(type, ref("#/components/messages/" + type));
                refs.add(ref("#/channels/" + channelId + "/messages/" + type));
            }
            channels.put(channelId, map("address", topic.name(), "description", topic.description(),
                    "messages", channelMessages,
                    "bindings", map("kafka", map("partitions", topic.partitions(),
                            "topicConfiguration", map("retention.ms", topic.retention().toMillis())))));
            if (topic.owner() == service) {
                operations.put("send_" + channelId, map("action", "send",
                        "channel", ref("#/channels/" + channelId), "messages", refs));
            }
            if (topic.consumers().contains(service)) {
                operations.put("receive_" + channelId, map("action", "receive",
                        "channel", ref("#/channels/" + channelId), "messages", refs));
            }
        }
        doc.put("channels", channels);
        doc.put("operations", operations);
        doc.put("components", map("messages", messages, "schemas", map("CloudEventHeaders", headersSchema())));
        return doc;
    }

    private static Map<String, Object> message(Topic topic, String type) {
        Map<String, Object> headers = new LinkedHashMap<>(headersSchema());
        headers.put("properties", new LinkedHashMap<>((Map<?, ?>) headersSchema().get("properties")));
        ((Map<String, Object>) headers.get("properties")).put(CloudEventHeaders.TYPE, map("type", "string", "const", type));
        return map("name", type, "title", type, "contentType", CloudEventHeaders.JSON,
                "summary", type + " on " + topic.name() + " (owner " + topic.owner().id() + ")",
                "headers", headers,
                "payload", map("type", "object"),
                "bindings", map("kafka", map("key", map("type", "string", "description", topic.key()))));
    }

    private static Map<String, Object> headersSchema() {
        Map<String, Object> props = new LinkedHashMap<>();
        props.put(CloudEventHeaders.SPEC_VERSION, map("type", "string", "const", "1.0"));
        props.put(CloudEventHeaders.ID, map("type", "string", "description", "unique per event; consumers dedupe by it"));
        props.put(CloudEventHeaders.SOURCE, map("type", "string", "description", "the publishing service"));
        props.put(CloudEventHeaders.TYPE, map("type", "string"));
        props.put(CloudEventHeaders.TIME, map("type", "string", "format", "date-time"));
        props.put(CloudEventHeaders.SUBJECT, map("type", "string"));
        props.put(CloudEventHeaders.TENANT, map("type", "string", "pattern", "^[a-z][a-z0-9_]{0,30}$",
                "description", "extension: the org the event belongs to"));
        props.put(CloudEventHeaders.CONTENT_TYPE, map("type", "string", "const", CloudEventHeaders.JSON));
        return map("type", "object", "required", List.of(CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.ID,
                CloudEventHeaders.SOURCE, CloudEventHeaders.TYPE, CloudEventHeaders.TIME, CloudEventHeaders.TENANT),
                "properties", props);
    }

    private static String channelId(Topic topic) {
        StringBuilder b = new StringBuilder();
        boolean upper = false;
        for (char c : topic.name().toCharArray()) {
            if (c == '.' || c == '-') {
                upper = true;
            } else {
                b.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return b.toString();
    }

    private static Map<String, Object> ref(String target) {
        return map("$ref", target);
    }

    private static Map<String, Object> map(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }
}
