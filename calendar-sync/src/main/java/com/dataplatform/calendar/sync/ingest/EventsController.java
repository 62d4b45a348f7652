package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

@RestController
class EventsController {

    record IngestResult(List<EventStore.Stored> results) {
    }

    private final SystemStore systems;
    private final Ingestion ingestion;
    private final EventStore store;
    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final IngestStages stages;

    EventsController(SystemStore systems, Ingestion ingestion, EventStore store, JdbcClient jdbc, JsonMapper json,
            IngestStages stages) {
        this.systems = systems;
        this.stages = stages;
        this.ingestion = ingestion;
        this.store = store;
        this.jdbc = jdbc;
        this.json = json;
    }

    @PostMapping(path = "/api/systems/{id}/events", consumes = MediaType.APPLICATION_JSON_VALUE)
    @ResponseStatus(HttpStatus.ACCEPTED)
    IngestResult pushJson(@PathVariable UUID id, @RequestBody String body, SuitePrincipal principal) {
        CalendarSystem system = stages.time(IngestStages.Stage.SYSTEM, () -> systems.get(principal.org(), id));
        return new IngestResult(stages.time(IngestStages.Stage.TRANSACTION, () -> ingestion.ingestJson(system, body)));
    }

    @PostMapping(path = "/api/systems/{id}/events", consumes = "text/calendar")
    @ResponseStatus(HttpStatus.ACCEPTED)
    IngestResult pushICalendar(@PathVariable UUID id, @RequestBody String body, SuitePrincipal principal) {
        CalendarSystem system = stages.time(IngestStages.Stage.SYSTEM, () -> systems.get(principal.org(), id));
        return new IngestResult(stages.time(IngestStages.Stage.TRANSACTION, () -> ingestion.ingestICalendar(system, body)));
    }

    /** The unified event with every raw copy it came from (lineage). */
    @GetMapping("/api/events/{id}")
    Map<String, Object> event(@PathVariable UUID id, SuitePrincipal principal) {
        Map<String, Object> row = jdbc.sql("""
                select id, ical_uid, recurrence_key, sequence, data::text as data, created_at, updated_at
                from unified_event where org = ? and id = ?""")
                .params(principal.org(), id).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("event", id));
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", row.get("id"));
        out.put("iCalUID", row.get("ical_uid"));
        out.put("recurrenceKey", row.get("recurrence_key"));
        out.put("unified", json.readTree((String) row.get("data")));
        List<Map<String, Object>> copies = store.copies(principal.org(), id).stream().map(c -> {
            Map<String, Object> m = new LinkedHashMap<>(c);
            m.put("repairs", json.readTree((String) c.get("repairs")));
            return m;
        }).toList();
        out.put("copies", copies);
        out.put("lineage", copies.stream().map(c -> Map.of("systemId", c.get("systemId"), "status", c.get("status")))
                .distinct().toList());
        out.put("master", jdbc.sql("""
                select m.system_id as "systemId", s.type as "systemType", m.href, m.etag, m.status, m.error,
                       m.losses::text as losses, m.payload, m.written_at as "writtenAt"
                from master_copy m join calendar_system s on s.id = m.system_id where m.unified_event_id = ?""")
                .param(id).query().listOfRows().stream().findFirst().map(m -> {
                    Map<String, Object> copy = new LinkedHashMap<>(m);
                    copy.put("losses", json.readTree((String) m.get("losses")));
                    return copy;
                }).orElse(null));
        return out;
    }

    /**
     * Master copies waiting for a Google or Graph master (which this service cannot call): the pull side of the
     * write-back. Each entry is the event in that system's schema, newest first.
     */
    @GetMapping("/api/systems/{id}/outbound")
    Map<String, Object> outbound(@PathVariable UUID id, SuitePrincipal principal) {
        CalendarSystem system = systems.get(principal.org(), id);
        List<Map<String, Object>> items = jdbc.sql("""
                select unified_event_id as "eventId", payload, losses::text as losses, written_at as "writtenAt"
                from master_copy where system_id = ? and status = 'queued' order by written_at desc limit 500""")
                .param(system.id()).query().listOfRows().stream().map(r -> {
                    Map<String, Object> m = new LinkedHashMap<>(r);
                    m.put("payload", json.readTree((String) r.get("payload")));
                    m.put("losses", json.readTree((String) r.get("losses")));
                    return m;
                }).toList();
        return Map.of("systemId", system.id(), "items", items);
    }

    /** Per system: ingested, repaired, rejected by reason, merged duplicates. */
    @GetMapping("/api/quality")
    List<Map<String, Object>> quality(SuitePrincipal principal) {
        return systems.list(principal.org()).stream().map(s -> {
            Map<String, Object> q = new LinkedHashMap<>();
            q.put("systemId", s.id());
            q.put("name", s.name());
            q.put("type", s.type().wire());
            Map<String, Object> counts = jdbc.sql("""
                    select count(*) as ingested,
                           count(*) filter (where status = 'repaired') as repaired,
                           count(*) filter (where status = 'rejected') as rejected,
                           count(*) filter (where status = 'merged') as merged
                    from raw_event where system_id = ?""").param(s.id()).query().singleRow();
            q.putAll(counts);
            q.put("rejectedByReason", jdbc.sql("""
                    select reason, count(*) as count from raw_event where system_id = ? and status = 'rejected'
                    group by reason order by count desc, reason limit 20""").param(s.id()).query().listOfRows());
            q.put("repairedByKind", jdbc.sql("""
                    select split_part(r, ' ', 1) || ' ' || split_part(r, ' ', 2) as kind, count(*) as count
                    from raw_event, jsonb_array_elements_text(repairs) as r
                    where system_id = ? group by 1 order by count desc, kind limit 20""").param(s.id()).query().listOfRows());
            return q;
        }).toList();
    }
}
