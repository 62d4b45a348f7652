package com.dataplatform.calendar.sync.writeback;

import com.dataplatform.calendar.sync.caldav.CalDavClient;
import com.dataplatform.calendar.sync.caldav.CalDavSync;
import com.dataplatform.calendar.sync.convert.GoogleWriter;
import com.dataplatform.calendar.sync.convert.GraphWriter;
import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.convert.ICalendarWriter;
import com.dataplatform.calendar.sync.convert.Rendered;
import com.dataplatform.calendar.sync.ingest.ChangeLog;
import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Drains the write-back outbox: each changed unified event that came from a non-master system is rendered in the
 * master's schema (marked with {@value #MARKER} = the unified id) and written there. CalDAV masters get a PUT —
 * If-None-Match for a new resource, If-Match with the etag we hold otherwise; a 412 means someone changed it on the
 * master, so we fetch theirs, merge it with ours (newer wins each field, the unified event learns the result) and PUT
 * again against their etag. Google and Graph masters cannot be called from here: their master copy is queued for
 * pull at {@code GET /api/systems/{id}/outbound}. The outbox row is deleted in the same transaction that records
 * the master copy, so a crash before that re-does the write (idempotent: same href, etag-guarded) and loses nothing.
 */
@Service
public class WriteBack {

    public static final String MARKER = "X-DATAPLATFORM-EVENT-ID";
    private static final Logger log = LoggerFactory.getLogger(WriteBack.class);
    private static final int BATCH = 20;
    private static final int MAX_412_RETRIES = 3;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final EventStore events;
    private final SystemStore systems;
    private final CalDavSync caldav;
    private final JsonMapper json;
    private final MeterRegistry metrics;
    private final ChangeLog changes;

    WriteBack(JdbcClient jdbc, TransactionTemplate tx, EventStore events, SystemStore systems, CalDavSync caldav,
            JsonMapper json, MeterRegistry metrics, ChangeLog changes) {
        this.changes = changes;
        this.jdbc = jdbc;
        this.tx = tx;
        this.events = events;
        this.systems = systems;
        this.caldav = caldav;
        this.json = json;
        this.metrics = metrics;
        // exported from the start (at 0), so dashboards and alerts see the series before the first failure
        for (String name : new String[] {"calendar.writeback.failures", "calendar.writeback.puts",
                "calendar.writeback.conflicts"}) {
            metrics.counter(name);
        }
    }

    private record Job(long id, String org, UUID eventId, int attempts) {
    }

    @Scheduled(fixedDelayString = "${calendar.writeback.poll-interval:1s}")
    void poll() {
        try {
            drain();
        } catch (RuntimeException e) {
            log.warn("write-back pass failed: {}", e.toString());
        }
    }

    /**
     * Works off every due outbox row; returns how many rows were handled. Rows are claimed in a short transaction
     * that leases them (a crashed node's lease runs out and another node retries); each event is then written in its
     * own transaction, and a failure is recorded in yet another, so one bad event neither rolls back the others nor
     * blocks the queue.
     */
    public int drain() {
        int total = 0;
        while (true) {
            List<Job> jobs = tx.execute(status -> claim());
            if (jobs == null || jobs.isEmpty()) {
                return total;
            }
            for (Job job : jobs) {
                try {
                    tx.executeWithoutResult(status -> {
                        write(job.org(), job.eventId());
                        jdbc.sql("delete from writeback_outbox where id = ?").param(job.id()).update();
                    });
                } catch (RuntimeException e) {
                    failed(job, e);
                }
            }
            total += jobs.size();
        }
    }

    private List<Job> claim() {
        List<Job> due = jdbc.sql("""
                select id, org, unified_event_id, attempts from writeback_outbox where available_at <= now()
                order by id limit ? for update skip locked""").param(BATCH)
                .query((rs, i) -> new Job(rs.getLong(1), rs.getString(2), rs.getObject(3, UUID.class), rs.getInt(4)))
                .list();
        Set<UUID> seen = new HashSet<>();
        List<Job> kept = new ArrayList<>();
        for (Job job : due) {
            if (seen.add(job.eventId())) {
                kept.add(job);
            } else { // the first row of the event writes its latest state
                jdbc.sql("delete from writeback_outbox where id = ?").param(job.id()).update();
            }
        }
        if (!kept.isEmpty()) {
            jdbc.sql("update writeback_outbox set available_at = now() + interval '2 minutes' where id = any(?)")
                    .param(kept.stream().map(Job::id).toArray(Long[]::new)).update();
        }
        return kept;
    }

    private void failed(Job job, RuntimeException e) {
        metrics.counter("calendar.writeback.failures").increment();
        int attempts = job.attempts() + 1;
        tx.executeWithoutResult(status -> jdbc.sql("""
                update writeback_outbox set attempts = ?, last_error = ?,
                       available_at = now() + make_interval(secs => least(300, power(2, ?)))
                where id = ?""").params(attempts, String.valueOf(e.getMessage()), attempts, job.id()).update());
        log.info("write-back of {} failed (attempt {}): {}", job.eventId(), attempts, e.toString());
    }

    private void write(String org, UUID eventId) {
        Optional<CalendarSystem> master = systems.master(org);
        Optional<UnifiedEvent> loaded = events.load(org, eventId);
        if (master.isEmpty() || loaded.isEmpty()) {
            return;
        }
        CalendarSystem m = master.get();
        UnifiedEvent event = loaded.get();
        Map<String, String> marker = Map.of(MARKER, eventId.toString());
        Optional<Map<String, Object>> existing = jdbc.sql("""
                select href, etag, payload from master_copy where unified_event_id = ?""").param(eventId).query()
                .listOfRows().stream().findFirst();
        Rendered rendered;
        try {
            rendered = render(m, event, marker);
        } catch (IllegalArgumentException e) {
            record(org, m, eventId, existing.map(r -> (String) r.get("href")).orElse(null), null, "", List.of(),
                    "failed", e.getMessage());
            return;
        }
        if (existing.isPresent() && rendered.payload().equals(existing.get().get("payload"))) {
            return; // the master already has exactly this
        }
        if (m.type() != CalendarSystem.Type.CALDAV) {
            record(org, m, eventId, null, null, rendered.payload(), rendered.losses(), "queued", null);
            return;
        }
        CalDavClient client = caldav.client(m);
        String href;
        String etag;
        if (existing.isPresent() && existing.get().get("href") != null) {
            href = (String) existing.get().get("href");
            etag = (String) existing.get().get("etag");
        } else {
            // the meeting may already live on the master under its own href (it was synced from there)
            Optional<Map<String, Object>> there = jdbc.sql("""
                    select href, etag from caldav_resource where system_id = ? and ical_uid = ? limit 1""")
                    .params(m.id(), event.uid()).query().listOfRows().stream().findFirst();
            href = there.map(r -> (String) r.get("href")).orElse(client.base().getPath() + resourceName(event.uid()));
            etag = there.map(r -> (String) r.get("etag")).orElse(null);
        }
        for (int attempt = 0; ; attempt++) {
            try {
                String newEtag = client.put(href, rendered.payload(), etag);
                metrics.counter("calendar.writeback.puts").increment();
                record(org, m, eventId, href, newEtag, rendered.payload(), rendered.losses(), "written", null);
                return;
            } catch (CalDavClient.PreconditionFailed e) {
                if (attempt >= MAX_412_RETRIES) {
                    throw e;
                }
                metrics.counter("calendar.writeback.conflicts").increment();
                Optional<CalDavClient.Resource> theirs = client.get(href);
                etag = theirs.map(CalDavClient.Resource::etag).orElse(null);
                if (theirs.isPresent()) {
                    event = mergeTheirs(org, eventId, event, theirs.get().body(), m);
                    rendered = render(m, event, marker);
                }
            }
        }
    }

    /**
     * Their copy (changed on the master meanwhile) merged with the event as it is now (under its row lock); the
     * unified event keeps the result and the change
     * is published on calendar.events in the same transaction (as a change from the master: it needs no write-back
     * row, this write-back is about to PUT it).
     */
    private UnifiedEvent mergeTheirs(String org, UUID eventId, UnifiedEvent ours, String theirIcs, CalendarSystem m) {
        ICalendarConverter.Result parsed = ICalendarConverter.convert(theirIcs, m.timeZone());
        Optional<UnifiedEvent> theirs = parsed.events().stream().filter(c -> !c.isRejected())
                .map(c -> c.event()).filter(e -> e.uid().equals(ours.uid())).findFirst();
        if (theirs.isEmpty()) {
            return ours;
        }
        UnifiedEvent merged = events.mergeFromMaster(org, eventId, theirs.get());
        changes.changed(org, m, eventId, merged, true);
        return merged;
    }

    static Rendered render(CalendarSystem master, UnifiedEvent event, Map<String, String> marker) {
        return switch (master.type()) {
            case CALDAV -> ICalendarWriter.write(event, marker);
            case GOOGLE -> GoogleWriter.write(event, Map.of("dataplatformEventId", marker.get(MARKER)));
            case GRAPH -> GraphWriter.write(event, Map.of("dataplatformEventId", marker.get(MARKER)));
        };
    }

    private void record(String org, CalendarSystem m, UUID eventId, String href, String etag, String payload,
            List<String> losses, String status, String error) {
        jdbc.sql("""
                insert into master_copy (unified_event_id, org, system_id, href, etag, payload, losses, status, error)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?)
                on conflict (unified_event_id) do update set system_id = excluded.system_id, href = excluded.href,
                    etag = excluded.etag, payload = excluded.payload, losses = excluded.losses, status = excluded.status,
                    error = excluded.error, written_at = now()""")
                .params(eventId, org, m.id(), href, etag, payload, json.writeValueAsString(losses), status, error).update();
    }

    /** A stable, URL-safe resource name for a UID (UIDs may hold any character). */
    static String resourceName(String uid) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(uid.getBytes(StandardCharsets.UTF_8))).substring(0, 32) + ".ics";
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
