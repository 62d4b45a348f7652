package com.dataplatform.ci.deploy.lifecycle;

/** The pipeline stage of a version; the first four are "in flight" (at most one per app, a DB constraint). */
public enum VersionStatus {
    ASSEMBLING, DEPLOYING, RUNNING, TESTING, LIVE, FAILED, RETIRED;

    public boolean inFlight() {
        return ordinal() <= TESTING.ordinal();
    }
}
