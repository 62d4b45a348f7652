package com.dataplatform.analytics.embed;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies for tests. */
public final class Specs {

    private Specs() {
    }

    public static Map<String, Object> page(String slug, String title, String markdown, List<String> origins) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("slug", slug);
        m.put("title", title);
        m.put("blocks", markdown == null ? List.of() : List.of(Map.of("type", "markdown", "text", markdown)));
        m.put("allowedOrigins", origins);
        return m;
    }

    /** sum(metric) by group, shown as {@code viz} at the given grid cell. */
    public static Map<String, Object> area(String title, String dataset, String group, String fn, String metric,
            String viz, int row, int col, List<String> allowedFilters) {
        Map<String, Object> metricMap = new LinkedHashMap<>();
        metricMap.put("fn", fn);
        metricMap.put("column", metric);
        metricMap.put("as", "value");
        Map<String, Object> query = new LinkedHashMap<>();
        query.put("groupBy", group == null ? List.of() : List.of(group));
        query.put("metrics", List.of(metricMap));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("title", title);
        m.put("dataset", dataset);
        m.put("query", query);
        m.put("visualization", viz);
        m.put("position", Map.of("row", row, "col", col, "width", 6, "height", 4));
        m.put("allowedFilterColumns", allowedFilters);
        return m;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> with(Map<String, Object> spec, String path, Object value) {
        Map<String, Object> copy = deepCopy(spec);
        String[] parts = path.split("\\.");
        Map<String, Object> at = copy;
        for (int i = 0; i < parts.length - 1; i++) {
            at = (Map<String, Object>) at.get(parts[i]);
        }
        at.put(parts[parts.length - 1], value);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> deepCopy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, v instanceof Map<?, ?> mm ? deepCopy((Map<String, Object>) mm) : v));
        return out;
    }
}
