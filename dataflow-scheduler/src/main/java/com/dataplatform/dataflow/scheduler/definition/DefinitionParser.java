package com.dataplatform.dataflow.scheduler.definition;

import com.dataplatform.common.web.ApiException;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** Reads the JSON contract into {@link Node}s, failing with 400 naming the JSON path of a missing or mistyped field. */
public final class DefinitionParser {

    private DefinitionParser() {
    }

    public static DataflowDefinition parse(JsonNode body) {
        if (body == null || !body.isObject()) {
            throw ApiException.invalid("body", "a JSON object {name, type, nodes} is required");
        }
        String name = text(body, "name", "name");
        String type = text(body, "type", "type");
        JsonNode nodes = body.path("nodes");
        if (!nodes.isArray() || nodes.isEmpty()) {
            throw ApiException.invalid("nodes", "nodes must be a non-empty array");
        }
        if (nodes.size() > 200) {
            throw ApiException.invalid("nodes", "at most 200 nodes");
        }
        List<Node> out = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
            out.add(node(nodes.get(i), "nodes[" + i + "]"));
        }
        return new DataflowDefinition(name, type, List.copyOf(out));
    }

    private static Node node(JsonNode n, String path) {
        if (!n.isObject()) {
            throw ApiException.invalid(path, "a node must be an object");
        }
        String id = text(n, "id", path + ".id");
        String op = text(n, "op", path + ".op");
        return switch (op) {
            case "source" -> new Node.Source(id, text(n, "dataset", path + ".dataset"));
            case "filter" -> new Node.Filter(id, text(n, "input", path + ".input"), text(n, "expr", path + ".expr"));
            case "compute" -> new Node.Compute(id, text(n, "input", path + ".input"), text(n, "column", path + ".column"),
                    text(n, "expr", path + ".expr"));
            case "augment" -> new Node.Augment(id, text(n, "left", path + ".left"), text(n, "right", path + ".right"),
                    strings(n, "leftKey", path + ".leftKey", false), strings(n, "rightKey", path + ".rightKey", false),
                    strings(n, "columns", path + ".columns", true));
            case "aggregate" -> new Node.Aggregate(id, text(n, "input", path + ".input"),
                    strings(n, "groupBy", path + ".groupBy", true), metrics(n, path + ".metrics"));
            case "register" -> new Node.Register(id, text(n, "input", path + ".input"), text(n, "dataset", path + ".dataset"));
            default -> throw ApiException.invalid(path + ".op", "unknown op '" + op
                    + "' (known: source, filter, compute, augment, aggregate, register)");
        };
    }

    private static List<Node.Metric> metrics(JsonNode n, String path) {
        JsonNode m = n.path("metrics");
        if (!m.isArray() || m.isEmpty()) {
            throw ApiException.invalid(path, "metrics must be a non-empty array");
        }
        List<Node.Metric> out = new ArrayList<>();
        for (int i = 0; i < m.size(); i++) {
            JsonNode x = m.get(i);
            String p = path + "[" + i + "]";
            if (!x.isObject()) {
                throw ApiException.invalid(p, "a metric must be an object {fn, column, as}");
            }
            String fn = text(x, "fn", p + ".fn");
            String column = x.path("column").isString() ? x.path("column").asString() : null;
            out.add(new Node.Metric(fn, column, text(x, "as", p + ".as")));
        }
        return List.copyOf(out);
    }

    private static String text(JsonNode n, String field, String path) {
        JsonNode v = n.path(field);
        if (!v.isString() || v.asString().isEmpty()) {
            throw ApiException.invalid(path, field + " must be a non-empty string");
        }
        return v.asString();
    }

    private static List<String> strings(JsonNode n, String field, String path, boolean emptyAllowed) {
        JsonNode v = n.path(field);
        if (v.isMissingNode() && emptyAllowed) {
            return List.of();
        }
        if (!v.isArray() || (!emptyAllowed && v.isEmpty())) {
            throw ApiException.invalid(path, field + " must be " + (emptyAllowed ? "an" : "a non-empty") + " array of strings");
        }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < v.size(); i++) {
            if (!v.get(i).isString()) {
                throw ApiException.invalid(path + "[" + i + "]", "must be a string");
            }
            out.add(v.get(i).asString());
        }
        return List.copyOf(out);
    }
}
