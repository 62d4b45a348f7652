package com.dataplatform.analytics.embed.lake;

import java.util.List;

/** Rows of an area query: column labels (group-by columns, then metric aliases) and JSON-friendly values. */
public record QueryResult(List<String> columns, List<List<Object>> rows) {

    public QueryResult {
        columns = List.copyOf(columns);
        rows = List.copyOf(rows);
    }
}
