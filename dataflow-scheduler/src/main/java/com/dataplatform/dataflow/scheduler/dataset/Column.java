package com.dataplatform.dataflow.scheduler.dataset;

/** A dataset column: a validated name and one of the lake types. */
public record Column(String name, ColumnType type) {
}
