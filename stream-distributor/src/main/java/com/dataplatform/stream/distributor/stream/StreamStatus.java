package com.dataplatform.stream.distributor.stream;

/** Where a stream stands in the work distribution. */
public enum StreamStatus {
    /** No owner: any live node may claim it. */
    UNASSIGNED,
    /** Owned and delivering. */
    ACTIVE,
    /** Owned, but its destination is failing; the owner keeps retrying with backoff. */
    DEGRADED,
    /** Stopped by its org; never claimed until resumed. */
    PAUSED
}
