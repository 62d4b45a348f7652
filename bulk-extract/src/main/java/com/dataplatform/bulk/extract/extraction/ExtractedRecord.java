package com.dataplatform.bulk.extract.extraction;

/**
 * Body of a {@code RecordExtracted} event on {@code extract.records}: {@code op} is snapshot, upsert or delete;
 * {@code version} is the commit-ordered feed version the value is exact at; {@code data} is the stored JSON payload
 * as PostgreSQL renders it (UTF-8, null for deletes), passed through as is. See {@link RecordEncoder}.
 */
record ExtractedRecord(String op, String entity, String id, String userId, long version, byte[] data) {
}
