package com.dataplatform.analytics.embed.lake;

/** A real column of a lake table. */
public record LakeColumn(String name, ColumnType type) {
}
