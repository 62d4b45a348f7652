package com.dataplatform.bulk.extract.extraction;

/**
 * A job cannot go on whatever is retried (e.g. its entity is no longer configured): it fails at once with this
 * reason, instead of after the retries a transient error gets.
 */
class ExtractionFailure extends RuntimeException {

    ExtractionFailure(String reason) {
        super(reason);
    }
}
