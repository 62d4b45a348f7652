package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.web.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/** {@code {entities: [...], userIds?: [...], chunkSize?}}, validated field by field. */
record ExtractionRequest(List<String> entities, List<String> userIds, int chunkSize) {

    static final int MAX_USERS = 10_000;

    static ExtractionRequest parse(JsonNode body, Predicate<String> knownEntity, int defaultChunk, int minChunk,
            int maxChunk) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("$", "the body must be a JSON object {entities, userIds?, chunkSize?}");
        }
        for (String name : body.propertyNames()) {
            if (!Set.of("entities", "userIds", "chunkSize").contains(name)) {
                throw ApiException.invalid(name, "unknown field");
            }
        }
        List<String> entities = strings(body.get("entities"), "entities", 100);
        if (entities == null || entities.isEmpty()) {
            throw ApiException.invalid("entities", "required: at least one entity");
        }
        for (int i = 0; i < entities.size(); i++) {
            if (!knownEntity.test(entities.get(i))) {
                throw ApiException.invalid("entities[" + i + "]", "unknown entity '" + entities.get(i) + "'");
            }
        }
        List<String> userIds = strings(body.get("userIds"), "userIds", MAX_USERS);
        if (userIds != null && userIds.isEmpty()) {
            throw ApiException.invalid("userIds", "the group is empty; omit userIds to extract the whole org");
        }
        int chunk = defaultChunk;
        JsonNode c = body.get("chunkSize");
        if (c != null && !c.isNull()) {
            if (!c.isIntegralNumber() || !c.canConvertToInt()) {
                throw ApiException.invalid("chunkSize", "must be an integer");
            }
            chunk = c.asInt();
            if (chunk < minChunk || chunk > maxChunk) {
                throw ApiException.invalid("chunkSize", "must be between " + minChunk + " and " + maxChunk);
            }
        }
        return new ExtractionRequest(entities.stream().distinct().toList(),
                userIds == null ? null : userIds.stream().distinct().toList(), chunk);
    }

    private static List<String> strings(JsonNode node, String field, int max) {
        if (node == null || node.isNull()) {
            return null;
        }
        if (!node.isArray()) {
            throw ApiException.invalid(field, "must be an array of strings");
        }
        if (node.size() > max) {
            throw ApiException.invalid(field, "at most " + max + " items");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < node.size(); i++) {
            JsonNode item = node.get(i);
            if (!item.isString() || item.asString().isBlank() || item.asString().length() > 200) {
                throw ApiException.invalid(field + "[" + i + "]", "must be a non-blank string of at most 200 characters");
            }
            out.add(item.asString());
        }
        return out;
    }
}
