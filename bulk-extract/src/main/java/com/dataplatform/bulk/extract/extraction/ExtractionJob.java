package com.dataplatform.bulk.extract.extraction;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/**
 * An extraction job as stored. {@code userIds == null} means the whole org. The snapshot cursor is
 * ({@code entityIndex}, {@code lastKey}); a chunk in flight (published but not yet acknowledged as a whole) is
 * ({@code chunkVersion}, {@code chunkEndKey}); {@code position} is the last feed version acknowledged while streaming.
 */
record ExtractionJob(UUID id, String org, List<String> userIds, List<String> entities, int chunkSize,
        JobStatus status, long watermark, int entityIndex, String lastKey, Long chunkVersion, String chunkEndKey,
        int chunksDone, int chunksTotal, long rowsSent, long position, String error, OffsetDateTime createdAt,
        OffsetDateTime updatedAt) {

    boolean wholeOrg() {
        return userIds == null;
    }

    boolean inGroup(String userId) {
        return userId != null && (userIds == null || userIds.contains(userId));
    }
}
