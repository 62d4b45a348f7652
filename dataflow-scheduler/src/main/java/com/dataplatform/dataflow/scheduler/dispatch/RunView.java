package com.dataplatform.dataflow.scheduler.dispatch;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** What {@code GET /api/runs/{id}} returns. */
public record RunView(UUID id, UUID dataflowId, int dataflowVersion, String type, RunStatus status,
        OffsetDateTime enqueuedAt, OffsetDateTime startedAt, OffsetDateTime finishedAt, List<Blocker> blockedBy,
        String error) {

    /** Why a queued run is not running: another run on a dataset (or the same dataflow), or its type's limit. */
    public record Blocker(UUID runId, String dataset, String reason) {
    }
}
