package com.dataplatform.dataflow.scheduler.dataset;

/**
 * A write to a dataset whose lake catalog row another producer owns (e.g. a ci-deploy app's live view): refused,
 * so neither its rows nor its catalog row (relation, producer) are taken over.
 */
public class DatasetOwnedElsewhere extends IllegalStateException {

    public DatasetOwnedElsewhere(String dataset, String producer) {
        super("dataset '" + dataset + "' is produced by " + producer + "; " + LakeWriter.PRODUCER
                + " does not overwrite another producer's dataset");
    }
}
