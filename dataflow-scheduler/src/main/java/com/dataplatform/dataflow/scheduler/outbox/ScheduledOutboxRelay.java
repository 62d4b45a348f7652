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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
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
 * Each batch event's id is derived from the batch row and the run's position in it, so a re-send after a crash
 * carries the same {@code ce_id}.
 */
public class ScheduledOutboxRelay extends OutboxRelay {

    /** Batch rows a pass locks at most: each names one dispatch step's starts or reaped runs. */
    private static final int BATCH_ROWS = 50;

    /** A row of the relay's read: an outbox row ({@code src} o) or one run named by a batch row ({@code src} b). */
    record Row(String src, long id, long ord, String eventId, String topic, String type, String key, String tenant,
            String subject, String payload, String requestId, String kind, long upto, String runId, String org,
            String dataflowId, int dataflowVersion, String runType, String status, String error) {
    }

    private static final Logger log = LoggerFactory.getLogger(ScheduledOutboxRelay.class);

    public ScheduledOutboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        super(jdbc, tx, publisher, json);
    }

    @Scheduled(fixedDelayString = "${dataflow.outbox.poll-interval:200ms}")
    public void relayScheduled() {
        relayPending();
    }

    /**
     * Sends one pass of outbox rows and batch rows merged in id order; returns how many rows of both tables it
     * deleted, or {@code limit} if that is more and either table has more rows than this pass took (so
     * {@link #relayPending()} goes on draining). Both tables are read by one statement, so with one snapshot: a batch
     * row this pass sees was committed after every outbox row of the same run's earlier history, which it sees too.
     * When either table had more rows than this pass took, only the ids up to the last one taken from that table are
     * sent (the rest, locked but not deleted, go in a later pass), so no later id overtakes an earlier one of the
     * other table. A pass takes at most {@code limit} outbox rows and batch rows naming at most {@code limit} runs
     * (but always the first batch row).
     */
    @Override
    public int relayBatch(int limit) {
        if (limit < 1) {
            return 0;
        }
        Integer sent = tx().execute(status -> {
            if (!tryRelayLock()) { // one relayer at a time: per-run order across instances
                return 0;
            }
            List<Row> rows = jdbc().sql("""
                    with o as (select id, event_id, topic, type, key, tenant, subject, payload, request_id
                               from outbox order by id limit :limit for update skip locked),
                         locked as (select id, kind, run_ids from run_event_batch order by id limit :batchRows
                                    for update skip locked),
                         b as (select id, kind, run_ids, sum(cardinality(run_ids)) over (order by id) as upto
                               from locked)
                    select 'o' as src, o.id, 0::bigint as ord, o.event_id::text as event_id, o.topic, o.type, o.key,
                           o.tenant, o.subject, o.payload::text as payload, o.request_id, null::text as kind,
                           0::bigint as upto, null::text as run_id, null::text as org,
                           null::text as dataflow_id, 0 as dataflow_version, null::text as run_type,
                           null::text as status, null::text as error
                    from o
                    union all
                    select 'b', b.id, e.ord, null, null, null, null, null, null, null, null, b.kind, b.upto,
                           e.run_id::text, r.org, r.dataflow_id::text, coalesce(r.dataflow_version, 0), r.type,
                           r.status, r.error
                    from b cross join lateral unnest(b.run_ids) with ordinality as e(run_id, ord)
                    left join run r on r.id = e.run_id
                    order by 2, 3""")
                    .param("limit", limit).param("batchRows", BATCH_ROWS).query(Row.class).list();
            List<Row> outboxRows = rows.stream().filter(r -> r.src().equals("o")).toList();
            List<Row> batchRows = rows.stream().filter(r -> r.src().equals("b")).toList();
            // batch rows taken: the first, then those within the budget of limit runs
            long lastBatchTaken = -1;
            boolean batchMore = false;
            long firstBatch = batchRows.isEmpty() ? -1 : batchRows.get(0).id();
            for (Row r : batchRows) {
                if (r.id() == firstBatch || r.upto() <= limit) {
                    lastBatchTaken = r.id();
                } else {
                    batchMore = true;
                }
            }
            if (batchRows.stream().mapToLong(Row::id).distinct().count() >= BATCH_ROWS) {
                batchMore = true;
            }
            boolean outboxMore = outboxRows.size() >= limit;
            long cut = Long.MAX_VALUE;
            if (outboxMore) {
                cut = outboxRows.get(outboxRows.size() - 1).id();
            }
            if (batchMore && lastBatchTaken >= 0) {
                cut = Math.min(cut, lastBatchTaken);
            }
            List<Pending> merged = new ArrayList<>(rows.size());
            List<Long> outboxIds = new ArrayList<>();
            List<Long> batchIds = new ArrayList<>();
            for (Row r : rows) { // already in (id, position) order
                if (r.id() > cut || (r.src().equals("b") && r.id() > lastBatchTaken)) {
                    continue;
                }
                if (r.src().equals("o")) {
                    merged.add(outboxEvent(r.id(), r.eventId(), r.topic(), r.type(), r.key(), r.tenant(), r.subject(),
                            r.payload(), r.requestId()));
                    outboxIds.add(r.id());
                } else {
                    OutgoingEvent event = event(r);
                    if (event != null) {
                        merged.add(new Pending(r.id(), event, null));
                    }
                    if (batchIds.isEmpty() || batchIds.get(batchIds.size() - 1) != r.id()) {
                        batchIds.add(r.id());
                    }
                }
            }
            send(merged);
            deleteOutboxRows(outboxIds);
            if (!batchIds.isEmpty()) {
                jdbc().sql("delete from run_event_batch where id = any(:ids)")
                        .param("ids", batchIds.toArray(Long[]::new)).update();
            }
            int consumed = outboxIds.size() + batchIds.size();
            return outboxMore || batchMore ? Math.max(consumed, limit) : consumed;
        });
        return sent == null ? 0 : sent;
    }

    /** The event a batch row names for one run; null (logged) if the run's row cannot give it. */
    private static OutgoingEvent event(Row e) {
        if (e.org() == null) {
            log.error("run_event_batch {} names run {}, which has no row: its {} event is not sent", e.id(), e.runId(),
                    e.kind());
            return null;
        }
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
                default -> null;
            };
            if (type == null) {
                log.error("run_event_batch {} names run {} as finished, but it is {}: its event is not sent", e.id(),
                        e.runId(), status);
                return null;
            }
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("runId", e.runId());
        data.put("dataflowId", e.dataflowId());
        data.put("dataflowVersion", e.dataflowVersion());
        data.put("type", e.runType());
        data.put("status", status);
        data.put("error", e.kind().equals("started") ? null : e.error());
        // a batch row never changes: its id and the position in it name one event, whatever the row lists
        String id = UUID.nameUUIDFromBytes(("run_event_batch/" + e.id() + "/" + e.ord())
                .getBytes(StandardCharsets.UTF_8)).toString();
        return OutgoingEvent.of(TopicCatalog.DATAFLOW_RUNS, type, e.runId(), e.org(), e.dataflowId(), data).withId(id);
    }
}
