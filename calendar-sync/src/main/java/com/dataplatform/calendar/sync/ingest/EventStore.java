package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.convert.Conversion;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the raw copy of every received event and the one unified copy per (org, iCalUID, occurrence). Two systems
 * reporting the same iCalUID land on the same unified row: the second is recorded as a merge, with its reason, and
 * the copies are merged field by field ({@link Merge}). The row is locked while merging, so concurrent pushes of the
 * same meeting serialize instead of losing each other's fields.
 */
@Repository
public class EventStore {

    /** What happened to one received event. */
    public record Stored(String uid, UUID eventId, String status, String reason) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    EventStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    public Stored store(CalendarSystem system, Conversion c) {
        String raw = c.raw() == null ? "" : c.raw();
        if (c.isRejected()) {
            jdbc.sql("""
                    insert into raw_event (org, system_id, source_id, payload, status, reason)
                    values (?, ?, ?, ?, 'rejected', ?)""")
                    .params(system.org(), system.id(), c.sourceId(), raw, c.rejection()).update();
            return new Stored(c.sourceId(), null, "rejected", c.rejection());
        }
        UnifiedEvent e = c.event();
        String rkey = recurrenceKey(e.recurrenceId());
        Optional<Existing> existing = lockExisting(system.org(), e.uid(), rkey);
        UUID id;
        if (existing.isEmpty()) {
            id = UUID.randomUUID();
            int inserted = jdbc.sql("""
                    insert into unified_event (id, org, ical_uid, recurrence_key, sequence, source_updated_at, data)
                    values (:id, :org, :uid, :rkey, :seq, :updated, cast(:data as jsonb))
                    on conflict (org, ical_uid, recurrence_key) do nothing""")
                    .param("id", id).param("org", system.org()).param("uid", e.uid()).param("rkey", rkey)
                    .param("seq", e.sequence()).param("updated", timestamp(e.updatedAt()))
                    .param("data", json.writeValueAsString(e)).update();
            if (inserted == 0) { // a concurrent request inserted it first: merge into that one
                existing = lockExisting(system.org(), e.uid(), rkey);
            }
        }
        String status;
        String reason;
        if (existing.isPresent()) {
            id = existing.get().id();
            UnifiedEvent merged = Merge.merge(existing.get().event(), e);
            jdbc.sql("""
                    update unified_event set data = cast(:data as jsonb), sequence = :seq, source_updated_at = :updated,
                           updated_at = now() where id = :id""")
                    .param("data", json.writeValueAsString(merged)).param("seq", merged.sequence())
                    .param("updated", timestamp(merged.updatedAt())).param("id", id).update();
            if (fromOtherSystem(id, system.id())) {
                status = "merged";
                reason = "same iCalUID " + e.uid() + " as an event already received from another system; "
                        + (Merge.isNewer(e, existing.get().event()) ? "this copy is newer and wins its fields"
                                : "the stored copy is newer and keeps its fields");
            } else {
                status = c.isRepaired() ? "repaired" : "stored";
                reason = c.isRepaired() ? String.join("; ", c.repairs()) : null;
            }
        } else {
            id = jdbc.sql("select id from unified_event where org = ? and ical_uid = ? and recurrence_key = ?")
                    .params(system.org(), e.uid(), rkey).query(UUID.class).single();
            status = c.isRepaired() ? "repaired" : "stored";
            reason = c.isRepaired() ? String.join("; ", c.repairs()) : null;
        }
        jdbc.sql("""
                insert into raw_event (org, system_id, source_id, payload, status, reason, repairs, unified_event_id)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?)""")
                .params(system.org(), system.id(), c.sourceId(), raw, status, reason,
                        json.writeValueAsString(c.repairs()), id)
                .update();
        return new Stored(e.uid(), id, status, reason);
    }

    private record Existing(UUID id, UnifiedEvent event) {
    }

    private Optional<Existing> lockExisting(String org, String uid, String rkey) {
        return jdbc.sql("""
                select id, data::text as data from unified_event
                where org = ? and ical_uid = ? and recurrence_key = ? for update""")
                .params(org, uid, rkey)
                .query((rs, n) -> new Existing(rs.getObject("id", UUID.class),
                        json.readValue(rs.getString("data"), UnifiedEvent.class)))
                .optional();
    }

    private static Timestamp timestamp(java.time.Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private boolean fromOtherSystem(UUID unifiedId, UUID systemId) {
        return jdbc.sql("select exists (select 1 from raw_event where unified_event_id = ? and system_id <> ?)")
                .params(unifiedId, systemId).query(Boolean.class).single();
    }

    /** '' for a series or single event; the occurrence's original start otherwise. */
    static String recurrenceKey(EventTime recurrenceId) {
        if (recurrenceId == null) {
            return "";
        }
        return recurrenceId instanceof EventTime.AllDay d ? d.date().toString() : recurrenceId.sortKey().toString();
    }

    public List<Map<String, Object>> copies(String org, UUID unifiedId) {
        return jdbc.sql("""
                select r.id, r.system_id as "systemId", s.type as "systemType", s.name as "systemName",
                       r.source_id as "sourceId", r.status, r.reason, r.repairs::text as repairs,
                       r.payload, r.received_at as "receivedAt"
                from raw_event r join calendar_system s on s.id = r.system_id
                where r.org = ? and r.unified_event_id = ? order by r.id""")
                .params(org, unifiedId).query().listOfRows();
    }
}
