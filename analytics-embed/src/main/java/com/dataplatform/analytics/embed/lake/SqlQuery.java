package com.dataplatform.analytics.embed.lake;

import java.util.List;

/** SQL built only from checked, quoted identifiers; every value is a bound parameter. */
public record SqlQuery(String sql, List<Object> params, List<String> columns) {

    public SqlQuery {
        params = List.copyOf(params);
        columns = List.copyOf(columns);
    }
}
