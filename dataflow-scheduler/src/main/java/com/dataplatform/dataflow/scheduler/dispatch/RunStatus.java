package com.dataplatform.dataflow.scheduler.dispatch;

/** QUEUED → RUNNING → SUCCEEDED | FAILED | CANCELLED (a QUEUED run may also be CANCELLED). */
public enum RunStatus {
    QUEUED, RUNNING, SUCCEEDED, FAILED, CANCELLED;

    public boolean terminal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    /** The event type published on dataflow.runs when a run enters this status. */
    public String eventType() {
        return switch (this) {
            case QUEUED -> "RunQueued";
            case RUNNING -> "RunStarted";
            case SUCCEEDED -> "RunSucceeded";
            case FAILED -> "RunFailed";
            case CANCELLED -> "RunCancelled";
        };
    }
}
