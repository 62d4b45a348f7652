package com.dataplatform.bulk.extract.extraction;

/** This node no longer owns the job (lease taken over, or the job was cancelled): stop working on it. */
class LeaseLostException extends RuntimeException {

    LeaseLostException() {
        super("lease lost or job no longer active", null, false, false);
    }
}
