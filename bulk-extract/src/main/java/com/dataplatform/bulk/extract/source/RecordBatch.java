package com.dataplatform.bulk.extract.source;

import com.dataplatform.common.web.ApiException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * A validated batch of writes to one entity: {@code {upserts: [{id, userId, data: {...}}], deletes: [id, ...]}}.
 * Validation names the offending JSON path, and happens before anything is written.
 */
record RecordBatch(List<Upsert> upserts, List<String> deletes) {

    static final int MAX_ID_LENGTH = 200;
    /**
     * Largest {@code data} (as JSON, UTF-8) one record may have: a record is one Kafka message, and Kafka's default
     * request and message limits are 1 MiB — a larger record could never be published and would fail every
     * extraction that reaches it.
     */
    static final int MAX_DATA_BYTES = 512 * 1024;

    record Upsert(String id, String userId, JsonNode data) {
    }

    static RecordBatch parse(JsonNode body, int maxItems) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("$", "the body must be a JSON object {upserts: [...], deletes: [...]}");
        }
        for (String name : body.propertyNames()) {
            if (!name.equals("upserts") && !name.equals("deletes")) {
                throw ApiException.invalid(name, "unknown field; expected upserts and/or deletes");
            }
        }
        JsonNode u = body.path("upserts");
        JsonNode d = body.path("deletes");
        if (!u.isMissingNode() && !u.isNull() && !u.isArray()) {
            throw ApiException.invalid("upserts", "must be an array");
        }
        if (!d.isMissingNode() && !d.isNull() && !d.isArray()) {
            throw ApiException.invalid("deletes", "must be an array");
        }
        int size = (u.isArray() ? u.size() : 0) + (d.isArray() ? d.size() : 0);
        if (size == 0) {
            throw ApiException.invalid("upserts", "the batch is empty: give at least one upsert or delete");
        }
        if (size > maxItems) {
            throw ApiException.invalid("upserts", "at most " + maxItems + " upserts and deletes per batch");
        }
        Set<String> seen = new HashSet<>();
        List<Upsert> upserts = new ArrayList<>();
        for (int i = 0; u.isArray() && i < u.size(); i++) {
            String at = "upserts[" + i + "]";
            JsonNode item = u.get(i);
            if (!item.isObject()) {
                throw ApiException.invalid(at, "must be an object {id, userId, data}");
            }
            for (String name : item.propertyNames()) {
                if (!Set.of("id", "userId", "data").contains(name)) {
                    throw ApiException.invalid(at + "." + name, "unknown field");
                }
            }
            String id = text(item.get("id"), at + ".id");
            String userId = text(item.get("userId"), at + ".userId");
            JsonNode data = item.get("data");
            if (data == null || !data.isObject()) {
                throw ApiException.invalid(at + ".data", "required, must be a JSON object");
            }
            storable(data, at + ".data");
            if (data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_DATA_BYTES) {
                throw ApiException.invalid(at + ".data", "at most " + MAX_DATA_BYTES + " bytes of JSON per record");
            }
            if (!seen.add(id)) {
                throw ApiException.invalid(at + ".id", "id " + id + " appears twice in the batch");
            }
            upserts.add(new Upsert(id, userId, data));
        }
        List<String> deletes = new ArrayList<>();
        for (int i = 0; d.isArray() && i < d.size(); i++) {
            String id = text(d.get(i), "deletes[" + i + "]");
            if (!seen.add(id)) {
                throw ApiException.invalid("deletes[" + i + "]", "id " + id + " appears twice in the batch");
            }
            deletes.add(id);
        }
        return new RecordBatch(List.copyOf(upserts), List.copyOf(deletes));
    }

    /**
     * Refuses what the store would change or reject rather than keep: text with NUL (jsonb cannot hold it) or a lone
     * UTF-16 surrogate (not Unicode; it would be stored as '?', so two different ids could become one), in names and
     * values at any depth.
     */
    private static void storable(JsonNode node, String at) {
        if (node.isString()) {
            requireText(node.asString(), at);
        } else if (node.isObject()) {
            for (var field : node.properties()) {
                requireText(field.getKey(), at);
                storable(field.getValue(), at + "." + field.getKey());
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                storable(node.get(i), at + "[" + i + "]");
            }
        }
    }

    private static void requireText(String s, String at) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == 0) {
                throw ApiException.invalid(at, "text must not contain NUL (\\u0000)");
            }
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                throw ApiException.invalid(at, "text must be valid Unicode (a lone surrogate at " + i + ")");
            }
        }
    }

    private static String text(JsonNode node, String field) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            throw ApiException.invalid(field, "required");
        }
        if (!node.isString()) {
            throw ApiException.invalid(field, "must be a string");
        }
        String s = node.asString();
        requireText(s, field);
        if (s.isBlank() || s.length() > MAX_ID_LENGTH || s.chars().anyMatch(Character::isISOControl)) {
            throw ApiException.invalid(field, "must be 1-" + MAX_ID_LENGTH + " characters without control characters");
        }
        return s;
    }

    Map<String, Integer> counts() {
        return Map.of("upserted", upserts.size(), "deleted", deletes.size());
    }
}
