package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.InvalidEventException;
import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.web.ApiException;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes {@code RunRequested} from dataflow.commands: {@code {dataflowId, idempotencyKey?}}, tenant = ce_tenant.
 * Idempotent by ce_id (recorded in the enqueue transaction); an unknown dataflow or a malformed body goes to the DLT.
 */
public class RunCommandListener {

    static final String CONSUMER = "dataflow-scheduler.run-commands";

    /** The body of RunRequested. */
    public record RunRequested(String dataflowId, String idempotencyKey) {
    }

    private final RunQueue queue;
    private final ProcessedEvents processed;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Runnable wakeUp;

    public RunCommandListener(RunQueue queue, ProcessedEvents processed, TransactionTemplate tx, JsonMapper json,
            Runnable wakeUp) {
        this.queue = queue;
        this.processed = processed;
        this.tx = tx;
        this.json = json;
        this.wakeUp = wakeUp;
    }

    @KafkaListener(topics = "dataflow.commands", groupId = "dataflow-scheduler")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event = CloudEventCodec.read(record);
        if (!"RunRequested".equals(event.type())) {
            throw new InvalidEventException("unexpected event type " + event.type() + " on dataflow.commands");
        }
        RunRequested cmd = event.dataAs(RunRequested.class, json);
        UUID dataflowId;
        try {
            dataflowId = UUID.fromString(cmd.dataflowId());
        } catch (RuntimeException e) {
            throw new InvalidEventException("dataflowId is not a UUID: " + cmd.dataflowId());
        }
        try {
            tx.executeWithoutResult(s -> {
                if (processed.firstDelivery(CONSUMER, event)) {
                    queue.enqueue(event.tenant(), dataflowId,
                            cmd.idempotencyKey() != null ? cmd.idempotencyKey() : "ce:" + event.id());
                }
            });
        } catch (ApiException e) {
            throw new InvalidEventException("cannot enqueue: " + e.getMessage());
        }
        wakeUp.run();
    }
}
