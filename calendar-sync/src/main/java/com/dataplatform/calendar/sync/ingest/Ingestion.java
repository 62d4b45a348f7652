package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.convert.Conversion;
import com.dataplatform.calendar.sync.convert.GoogleConverter;
import com.dataplatform.calendar.sync.convert.GraphConverter;
import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.common.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts a pushed payload in its system's schema and stores every event of it in one transaction: rejected
 * events are reported (and kept as raw copies with their reason), the rest are stored — never half of one event.
 */
@Service
public class Ingestion {

    private final EventStore store;
    private final JsonMapper json;
    private final MeterRegistry metrics;
    private final JdbcClient jdbc;
    private final ChangeLog changes;
    private final IngestStages stages;

    Ingestion(EventStore store, JsonMapper json, MeterRegistry metrics, JdbcClient jdbc, ChangeLog changes,
            IngestStages stages) {
        this.store = store;
        this.stages = stages;
        this.changes = changes;
        this.jdbc = jdbc;
        this.json = json;
        this.metrics = metrics;
        for (CalendarSystem.Type type : CalendarSystem.Type.values()) { // exported at 0 from the start
            metrics.counter("calendar.echoes.suppressed", "system_type", type.wire());
        }
    }

    @Transactional
    public List<EventStore.Stored> ingestJson(CalendarSystem system, String body) {
        if (system.type() == CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("Content-Type", "a caldav system takes text/calendar, not JSON");
        }
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("body", "malformed JSON: " + e.getOriginalMessage());
        }
        if (payload == null || !payload.isObject()) {
            throw ApiException.invalid("body", "expected a " + system.type().wire() + " event object or its list envelope");
        }
        List<Conversion> conversions;
        try {
            conversions = stages.time(IngestStages.Stage.CONVERT, () -> system.type() == CalendarSystem.Type.GOOGLE
                    ? GoogleConverter.convert(payload, system.timeZone())
                    : GraphConverter.convert(payload, system.timeZone()));
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(system.type() == CalendarSystem.Type.GOOGLE ? "items" : "value", e.getMessage());
        }
        return storeAll(system, conversions);
    }

    @Transactional
    public List<EventStore.Stored> ingestICalendar(CalendarSystem system, String body) {
        if (system.type() != CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("Content-Type",
                    "a " + system.type().wire() + " system takes its own JSON schema, not text/calendar");
        }
        ICalendarConverter.Result result = stages.time(IngestStages.Stage.CONVERT,
                () -> ICalendarConverter.convert(body, system.timeZone()));
        if (result.rejection() != null) {
            count(system, "rejected");
            throw ApiException.invalid("body", result.rejection());
        }
        return storeAll(system, result.events());
    }

    /** The outcome for one fetched CalDAV resource: our own echo (skipped), or what was stored. */
    public record Fetched(boolean echo, List<EventStore.Stored> results) {
    }

    /**
     * One resource fetched from a CalDAV system. If it is the master copy we wrote (same href and etag) it is our
     * own echo and nothing is ingested; otherwise it is converted and stored like a push, and its href/etag kept.
     * Then runs the fence as the transaction's last statement: if it throws (the sync lease is no longer ours),
     * everything this resource wrote rolls back.
     */
    @Transactional
    public Fetched ingestFetched(CalendarSystem system, String href, String etag, String body, Runnable fence) {
        boolean echo = etag != null && jdbc.sql("""
                select exists (select 1 from master_copy where system_id = ? and href = ? and etag = ?)""")
                .params(system.id(), href, etag).query(Boolean.class).single();
        List<EventStore.Stored> results;
        String uid;
        if (echo) {
            results = List.of();
            uid = jdbc.sql("select e.ical_uid from master_copy m join unified_event e on e.id = m.unified_event_id "
                    + "where m.system_id = ? and m.href = ? limit 1").params(system.id(), href).query(String.class)
                    .optional().orElse(null);
            metrics.counter("calendar.echoes.suppressed", "system_type", system.type().wire()).increment();
        } else {
            ICalendarConverter.Result result = ICalendarConverter.convert(body, system.timeZone());
            if (result.rejection() != null) {
                results = List.of(store.store(system, Conversion.rejected(href, result.rejection()).withRaw(body)));
                count(system, "rejected");
                uid = null;
            } else {
                results = storeAll(system, result.events());
                uid = results.stream().map(EventStore.Stored::uid).filter(java.util.Objects::nonNull).findFirst().orElse(null);
            }
        }
        jdbc.sql("""
                insert into caldav_resource (system_id, href, etag, ical_uid) values (?, ?, ?, ?)
                on conflict (system_id, href) do update set etag = excluded.etag,
                    ical_uid = coalesce(excluded.ical_uid, caldav_resource.ical_uid), synced_at = now()""")
                .params(system.id(), href, etag, uid).update();
        fence.run();
        return new Fetched(echo, results);
    }

    /** A resource the CalDAV server no longer has: its event is cancelled; fenced like {@link #ingestFetched}. */
    @Transactional
    public void deleted(CalendarSystem system, String href, Runnable fence) {
        String uid = jdbc.sql("delete from caldav_resource where system_id = ? and href = ? returning ical_uid")
                .params(system.id(), href).query(String.class).optional().orElse(null);
        if (uid != null) {
            store.cancel(system.org(), uid).ifPresent(id -> afterChange(system, id));
        }
        fence.run();
    }

    void afterChange(CalendarSystem system, java.util.UUID unifiedId) {
        changes.changed(system.org(), system, unifiedId);
    }

    /**
     * Stores a payload's conversions in four statements however many events it holds: the advisory locks, one read
     * (known UIDs, aliases, fuzzy candidates, master flag), the new unified rows, and the raw copies together with
     * the write-back and calendar.events outbox rows. Merges into existing events add one update each.
     */
    private List<EventStore.Stored> storeAll(CalendarSystem system, List<Conversion> conversions) {
        EventStore.Batch batch = stages.time(IngestStages.Stage.PREPARE, () -> store.prepare(system.org(), conversions));
        List<EventStore.Stored> stored = stages.time(IngestStages.Stage.STORE,
                () -> conversions.stream().map(c -> store.store(system, c, batch)).toList());
        List<EventStore.Stored> out = new java.util.ArrayList<>();
        stages.time(IngestStages.Stage.FLUSH, () -> store.flush(batch, () -> {
            // the unified rows are in: a pending row another request inserted first was merged into that one
            stored.forEach(s -> out.add(s.eventId() == null || !batch.remapped(s.eventId()) ? s
                    : new EventStore.Stored(s.uid(), batch.actual(s.eventId()), "merged",
                            "same iCalUID " + s.uid() + " as an event stored concurrently", s.event())));
            java.util.Map<java.util.UUID, com.dataplatform.calendar.sync.unified.UnifiedEvent> last =
                    new java.util.LinkedHashMap<>();
            out.stream().filter(s -> s.eventId() != null).forEach(s -> last.put(s.eventId(), s.event()));
            return changes.rowsFor(system.org(), system, out.stream().filter(s -> "merged".equals(s.status())).toList(),
                    last, batch.orgHasMaster(), batch::serialized);
        }));
        out.forEach(s -> count(system, s.status()));
        return out;
    }

    private void count(CalendarSystem system, String status) {
        metrics.counter("calendar.events.ingested", "system_type", system.type().wire(), "status", status).increment();
    }
}
