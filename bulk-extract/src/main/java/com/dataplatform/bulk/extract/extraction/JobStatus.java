package com.dataplatform.bulk.extract.extraction;

/** Life cycle of an extraction job. WATERMARKED → SNAPSHOTTING → STREAMING, until CANCELLED (or FAILED). */
public enum JobStatus {
    WATERMARKED, SNAPSHOTTING, STREAMING, FAILED, CANCELLED;

    boolean active() {
        return this == WATERMARKED || this == SNAPSHOTTING || this == STREAMING;
    }
}
