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
            long expanded = storable(data, at + ".data");
            // the size as stored and read back: jsonb writes numbers out in full (1e400 is 401 characters)
            if (data.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length + expanded > MAX_DATA_BYTES) {
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

    /** Most digits a number may have before or after its decimal point (as stored, written out in full). */
    static final int MAX_NUMBER_DIGITS = 1000;

    /**
     * Refuses what the store would change or reject rather than keep: text with NUL (jsonb cannot hold it) or a lone
     * UTF-16 surrogate (not Unicode; it would be stored as '?', so two different ids could become one), in names and
     * values at any depth, and numbers with more than {@link #MAX_NUMBER_DIGITS} digits before or after the point.
     * Returns how many characters longer than in compact JSON the numbers are once written out in full.
     */
    private static long storable(JsonNode node, String at) {
        if (node.isString()) {
            requireText(node.asString(), at);
        } else if (node.isNumber()) {
            java.math.BigDecimal n = node.decimalValue();
            int fraction = Math.max(0, n.scale());
            int integer = Math.max(1, n.precision() - n.scale());
            if (fraction > MAX_NUMBER_DIGITS || integer > MAX_NUMBER_DIGITS) {
                throw ApiException.invalid(at, "numbers may have at most " + MAX_NUMBER_DIGITS
                        + " digits before and after the decimal point");
            }
            return Math.max(0, integer + fraction + 2 - node.toString().length());
        } else if (node.isObject()) {
            long extra = 0;
            for (var field : node.properties()) {
                requireText(field.getKey(), at);
                extra += storable(field.getValue(), at + "." + field.getKey());
            }
            return extra;
        } else if (node.isArray()) {
            long extra = 0;
            for (int i = 0; i < node.size(); i++) {
                extra += storable(node.get(i), at + "[" + i + "]");
            }
            return extra;
        }
        return 0;
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
