package com.dataplatform.dataflow.scheduler.dispatch;

import java.util.UUID;

/** A run this instance just started: it holds the lease under {@code fencingToken} and must execute it. */
public record ClaimedRun(UUID id, String org, UUID dataflowId, int dataflowVersion, String type, long fencingToken,
        double waitSeconds) {
}
