package com.dataplatform.dataflow.scheduler.deploy;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.InvalidEventException;
import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.dataflow.scheduler.dispatch.RunQueue;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Consumes deploy.events: on {@code VersionPromoted} or {@code RolledBack} of app A in org O (ce_tenant), enqueues a
 * run of every dataflow of O whose current version reads a dataset that A registered in the lake catalog (producer
 * {@code ci-deploy-service:A}). Enqueues go through {@link RunQueue#enqueue} — the REST and dataflow.commands path —
 * so the queue rules and the {@code RunQueued} outbox event apply; the idempotency key is derived from the ce_id and
 * the dataflow id. The ce_id is recorded in the same transaction as the enqueues, so a redelivery enqueues nothing.
 * Other event types are ignored; a malformed event goes to deploy.events.dlt.
 */
public class DeployEventListener {

    static final String CONSUMER = "dataflow-scheduler.deploy-events";
    static final Set<String> TRIGGERS = Set.of("VersionPromoted", "RolledBack");
    private static final Pattern APP_NAME = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");
    private static final Logger log = LoggerFactory.getLogger(DeployEventListener.class);

    private final RunQueue queue;
    private final AppReaders readers;
    private final ProcessedEvents processed;
    private final TransactionTemplate tx;
    private final JsonMapper json;
    private final Runnable wakeUp;

    public DeployEventListener(RunQueue queue, AppReaders readers, ProcessedEvents processed, TransactionTemplate tx,
            JsonMapper json, Runnable wakeUp) {
        this.queue = queue;
        this.readers = readers;
        this.processed = processed;
        this.tx = tx;
        this.json = json;
        this.wakeUp = wakeUp;
    }

    @KafkaListener(topics = "deploy.events", groupId = "dataflow-scheduler")
    public void onEvent(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event = CloudEventCodec.read(record);
        if (!TRIGGERS.contains(event.type())) {
            return;
        }
        AppVersionChanged change = event.dataAs(AppVersionChanged.class, json);
        if (change == null || change.app() == null || change.app().length() > 40
                || !APP_NAME.matcher(change.app()).matches()) {
            throw new InvalidEventException("event " + event.id() + " (" + event.type() + ") names no valid app");
        }
        String org = event.tenant();
        List<UUID> enqueued = tx.execute(s -> {
            if (!processed.firstDelivery(CONSUMER, event)) {
                return List.<UUID>of();
            }
            List<UUID> flows = readers.dataflowsReading(org, change.app());
            // one call: the dataflows are locked in id order before the queue lock is taken (RunQueue.enqueueAll)
            queue.enqueueAll(org, flows.stream()
                    .map(flow -> new RunQueue.Request(flow, idempotencyKey(event.id(), flow))).toList());
            return flows;
        });
        if (!enqueued.isEmpty()) {
            log.info("{} {} v{} of {}: enqueued {} dataflow run(s)", event.type(), change.app(), change.version(), org,
                    enqueued.size());
            wakeUp.run();
        }
    }

    /** {@code deploy:<ce_id>:<dataflow id>}; a ce_id too long for the 200-character key is replaced by its SHA-256. */
    static String idempotencyKey(String ceId, UUID dataflowId) {
        String id = ceId.length() <= 120 ? ceId : "sha256-" + sha256(ceId);
        return "deploy:" + id + ":" + dataflowId;
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
