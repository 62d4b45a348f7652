package com.dataplatform.dataflow.scheduler.dataset;

/** Published on datasets.changes after every successful write of a dataset. */
public record DatasetUpdated(String dataset, long version, long rowCount) {
}
