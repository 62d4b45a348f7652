package com.dataplatform.bulk.extract.extraction;

import com.fasterxml.jackson.annotation.JsonRawValue;

/**
 * Body of a {@code RecordExtracted} event on {@code extract.records}: {@code op} is snapshot, upsert or delete;
 * {@code version} is the commit-ordered feed version the value is exact at; {@code data} is the stored JSON payload
 * (null for deletes), passed through as stored.
 */
public record ExtractedRecord(String op, String entity, String id, String userId, long version,
        @JsonRawValue String data) {
}
