package com.dataplatform.analytics.embed.data;

/** Body of {@code DatasetUpdated} on {@code datasets.changes}, as dataflow-scheduler publishes it (own copy). */
public record DatasetUpdated(String dataset, long version, long rowCount) {
}
