package com.dataplatform.calendar.sync.ingest;

import org.slf4j.MDC;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * What follows a change of a unified event, always inside the transaction that made it: a write-back outbox row
 * when the change came from a non-master system (the master's own copies are never written back — half of echo
 * suppression; the other half is recognising our own write when the master syncs back), and a calendar.events
 * outbox row ({@code EventUpserted} / {@code EventCancelled} / {@code EventsMerged}) for the relay to publish.
 */
@Component
public class ChangeLog {

    private final JdbcClient jdbc;
    private final EventStore events;
    private final JsonMapper json;

    ChangeLog(JdbcClient jdbc, EventStore events, JsonMapper json) {
        this.jdbc = jdbc;
        this.events = events;
        this.json = json;
    }

    /** {@code source} null: a change made here (e.g. an undone merge), written back like a non-master change. */
    public void changed(String org, CalendarSystem source, UUID id) {
        events.load(org, id).ifPresent(e -> changed(org, source, id, e, hasMaster(org)));
    }

    public boolean hasMaster(String org) {
        return jdbc.sql("select exists (select 1 from calendar_system where org = ? and master)").param(org)
                .query(Boolean.class).single();
    }

    /** The same, when the caller holds the event as stored and knows whether the org has a master. */
    public void changed(String org, CalendarSystem source, UUID id, UnifiedEvent e, boolean orgHasMaster) {
        if (orgHasMaster && (source == null || !source.master())) {
            jdbc.sql("insert into writeback_outbox (org, unified_event_id) values (?, ?)").params(org, id).update();
        }
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("iCalUID", e.uid());
        data.put("sourceSystemId", source == null ? null : source.id());
        data.put("event", e);
        outbox(e.status() == UnifiedEvent.Status.CANCELLED ? "EventCancelled" : "EventUpserted", id, org, data);
    }

    /**
     * The write-back and calendar.events outbox rows of one payload's changes, as columns, for {@link EventStore} to
     * insert with the payload's raw copies in one statement.
     */
    public record Rows(List<String> writebackOrgList, List<String> writebackIdList, List<String[]> outbox) {

        public static final Rows NONE = new Rows(List.of(), List.of(), List.of());

        boolean isEmpty() {
            return writebackIdList.isEmpty() && outbox.isEmpty();
        }

        String[] writebackOrgs() {
            return writebackOrgList.toArray(String[]::new);
        }

        String[] writebackIds() {
            return writebackIdList.toArray(String[]::new);
        }

        /** event_id, topic, type, key, tenant, subject, payload, request_id — one array per column. */
        String[][] outboxColumns() {
            String[][] columns = new String[8][outbox.size()];
            for (int i = 0; i < outbox.size(); i++) {
                for (int c = 0; c < 8; c++) {
                    columns[c][i] = outbox.get(i)[c];
                }
            }
            return columns;
        }
    }

    /**
     * {@link #changed} for many events of one payload, as rows (written by the caller in one statement);
     * {@code serialized} gives the JSON already written for an event's unified copy (or null), so the outbox payload
     * embeds it instead of encoding the event a second time.
     */
    public Rows rowsFor(String org, CalendarSystem source, List<EventStore.Stored> merged, Map<UUID, UnifiedEvent> changed,
            boolean orgHasMaster, java.util.function.Function<UnifiedEvent, String> serialized) {
        if (changed.isEmpty() && merged.isEmpty()) {
            return Rows.NONE;
        }
        List<String> writebackOrgs = new ArrayList<>();
        List<String> writebackIds = new ArrayList<>();
        if (orgHasMaster && (source == null || !source.master())) {
            changed.keySet().forEach(id -> {
                writebackOrgs.add(org);
                writebackIds.add(id.toString());
            });
        }
        List<String[]> rows = new ArrayList<>();
        String requestId = MDC.get("requestId"); // the request that caused the changes, relayed as ce_requestid
        for (EventStore.Stored m : merged) { // EventsMerged first, as merged() would have written them
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("id", m.eventId());
            data.put("mergedICalUID", m.uid());
            data.put("reason", m.reason());
            rows.add(new String[] {UUID.randomUUID().toString(), TopicCatalog.CALENDAR_EVENTS.name(), "EventsMerged",
                    m.eventId().toString(), org, m.eventId().toString(), json.writeValueAsString(data), requestId});
        }
        String sourceJson = source == null ? "null" : "\"" + source.id() + "\"";
        changed.forEach((id, e) -> {
            String eventJson = serialized.apply(e);
            // the same document changed() builds: {"id", "iCalUID", "sourceSystemId", "event"}
            String data = "{\"id\":\"" + id + "\",\"iCalUID\":" + json.writeValueAsString(e.uid())
                    + ",\"sourceSystemId\":" + sourceJson + ",\"event\":"
                    + (eventJson != null ? eventJson : json.writeValueAsString(e)) + "}";
            rows.add(new String[] {UUID.randomUUID().toString(), TopicCatalog.CALENDAR_EVENTS.name(),
                    e.status() == UnifiedEvent.Status.CANCELLED ? "EventCancelled" : "EventUpserted", id.toString(),
                    org, id.toString(), data, requestId});
        });
        return new Rows(writebackOrgs, writebackIds, rows);
    }

    public void merged(String org, UUID id, String mergedUid, String reason) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("id", id);
        data.put("mergedICalUID", mergedUid);
        data.put("reason", reason);
        outbox("EventsMerged", id, org, data);
    }

    private void outbox(String type, UUID id, String org, Map<String, Object> data) {
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload, request_id)
                values (?, ?, ?, ?, ?, ?, ?, ?)""")
                .params(UUID.randomUUID(), TopicCatalog.CALENDAR_EVENTS.name(), type, id.toString(), org, id.toString(),
                        json.writeValueAsString(data), MDC.get("requestId")).update();
    }
}
