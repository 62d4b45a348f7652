package com.dataplatform.dataflow.scheduler.dataset;

import java.util.List;

/** What {@code GET /api/datasets/{name}} returns. */
public record DatasetInfo(String name, long version, long rowCount, List<Column> columns) {
}
