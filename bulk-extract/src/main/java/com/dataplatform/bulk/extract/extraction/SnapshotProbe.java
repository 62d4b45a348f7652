package com.dataplatform.bulk.extract.extraction;

import java.util.UUID;

/**
 * Observation point inside a chunk: called after the first half of a chunk's records were acknowledged by Kafka and
 * before the second half is sent. Production has none; crash tests use it to stop a node in the middle of a chunk.
 */
public interface SnapshotProbe {

    void midChunk(UUID jobId, int chunksDone);
}
