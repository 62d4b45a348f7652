package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import java.util.UUID;

/** Body of every dataflow.runs event (RunQueued, RunStarted, RunSucceeded, RunFailed, RunCancelled). */
public record RunEvent(UUID runId, UUID dataflowId, int dataflowVersion, String type, RunStatus status, String error) {

    public Outbox.Entry entry(String org) {
        return new Outbox.Entry(TopicCatalog.DATAFLOW_RUNS, status.eventType(), runId.toString(), org,
                dataflowId.toString(), this);
    }
}
