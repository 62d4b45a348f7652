package com.dataplatform.dataflow.scheduler.outbox;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutboxRelay;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The suite's {@link OutboxRelay} on this service's schedule ({@code dataflow.outbox.poll-interval}, default 200 ms),
 * which also sends the run events a dispatch step appended as {@code run_event_batch} rows (migration V15): one row
 * names the runs a step started (RunStarted) or reaped (RunSucceeded / RunFailed), and each event is built from the
 * run's row when it is sent. Outbox rows and batch rows share one id sequence and are sent merged in id order, so a
 * run's events keep the order of its history (RunQueued, RunStarted, then its finish event, from whichever table).
 * Each batch event's id is derived from the batch row and the run, so a re-send after a crash carries the same
 * {@code ce_id}.
 */
public class ScheduledOutboxRelay extends OutboxRelay {

    /** Batch rows per pass: each names up to one dispatch step's worth of runs. */
    private static final int BATCH_ROWS = 50;

    record BatchEvent(long batchId, String kind, String runId, String org, String dataflowId, int dataflowVersion,
            String type, String status, String error) {
    }

    public ScheduledOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    @Scheduled(fixedDelayString = "${dataflow.outbox.poll-interval:200ms}")
    public void relayScheduled() {
        relayPending();
    }

    /**
     * Sends one pass of outbox rows and batch rows merged in id order; returns how many rows of both it consumed. When
     * either table had more rows than this pass read, only the ids up to the last one read from that table are sent
     * (the rest, locked but not deleted, go in a later pass), so no later id overtakes an earlier one of the other
     * table.
     */
    @Override
    public int relayBatch(int limit) {
        Integer sent = tx().execute(status -> {
            List<Pending> rows = lockOutboxRows(limit);
            List<BatchEvent> batchEvents = lockRunEventBatches(Math.max(1, Math.min(BATCH_ROWS, limit)));
            long batchRows = batchEvents.stream().mapToLong(BatchEvent::batchId).distinct().count();
            long cut = Long.MAX_VALUE;
            if (rows.size() >= limit) {
                cut = rows.get(rows.size() - 1).id();
            }
            if (batchRows >= Math.min(BATCH_ROWS, limit) && !batchEvents.isEmpty()) {
                cut = Math.min(cut, batchEvents.get(batchEvents.size() - 1).batchId());
            }
            List<Pending> merged = new ArrayList<>(rows.size() + batchEvents.size());
            List<Long> outboxIds = new ArrayList<>();
            List<Long> batchIds = new ArrayList<>();
            int i = 0;
            int j = 0;
            while (i < rows.size() || j < batchEvents.size()) {
                boolean fromOutbox = j >= batchEvents.size()
                        || (i < rows.size() && rows.get(i).id() < batchEvents.get(j).batchId());
                if (fromOutbox) {
                    Pending p = rows.get(i++);
                    if (p.id() <= cut) {
                        merged.add(p);
                        outboxIds.add(p.id());
                    }
                } else {
                    BatchEvent e = batchEvents.get(j++);
                    if (e.batchId() <= cut) {
                        merged.add(new Pending(e.batchId(), event(e), null));
                        if (batchIds.isEmpty() || batchIds.get(batchIds.size() - 1) != e.batchId()) {
                            batchIds.add(e.batchId());
                        }
                    }
                }
            }
            if (merged.isEmpty()) {
                return 0;
            }
            send(merged);
            deleteOutboxRows(outboxIds);
            if (!batchIds.isEmpty()) {
                jdbc().sql("delete from run_event_batch where id = any(:ids)")
                        .param("ids", batchIds.toArray(Long[]::new)).update();
            }
            return outboxIds.size() + batchIds.size();
        });
        return sent == null ? 0 : sent;
    }

    /** The oldest batch rows, locked, one element per run they name, in (row id, position) order. */
    private List<BatchEvent> lockRunEventBatches(int limit) {
        return jdbc().sql("""
                with b as (select id, kind, run_ids from run_event_batch order by id limit :limit
                           for update skip locked)
                select b.id as batch_id, b.kind, r.id::text as run_id, r.org, r.dataflow_id::text as dataflow_id,
                       r.dataflow_version, r.type, r.status, r.error
                from b cross join lateral unnest(b.run_ids) with ordinality as e(run_id, ord)
                join run r on r.id = e.run_id
                order by b.id, e.ord""").param("limit", limit).query(BatchEvent.class).list();
    }

    private static OutgoingEvent event(BatchEvent e) {
        String type;
        String status;
        if (e.kind().equals("started")) {
            type = "RunStarted";
            status = "RUNNING"; // the status the event announces, whatever the run's status is by now
        } else {
            // a reaped run is finished, and a finished run's row no longer changes
            status = e.status();
            type = switch (status) {
                case "SUCCEEDED" -> "RunSucceeded";
                case "FAILED" -> "RunFailed";
                case "CANCELLED" -> "RunCancelled";
                default -> throw new IllegalStateException("run " + e.runId() + " reaped while " + status);
            };
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", e.runId());
        data.put("dataflowId", e.dataflowId());
        data.put("dataflowVersion", e.dataflowVersion());
        data.put("type", e.type());
        data.put("status", status);
        data.put("error", e.kind().equals("started") ? null : e.error());
        String id = UUID.nameUUIDFromBytes(("run_event_batch/" + e.batchId() + "/" + e.runId())
                .getBytes(StandardCharsets.UTF_8)).toString();
        return OutgoingEvent.of(TopicCatalog.DATAFLOW_RUNS, type, e.runId(), e.org(), e.dataflowId(), data).withId(id);
    }
}
