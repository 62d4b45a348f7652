package com.dataplatform.ci.deploy.lifecycle;

/** A stage failed for a reason the app's owner can act on (recorded as the version's failure). */
public class StageFailure extends Exception {

    public StageFailure(String reason) {
        super(reason);
    }
}
