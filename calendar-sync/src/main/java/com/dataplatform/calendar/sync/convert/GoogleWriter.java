package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unified → Google Calendar API v3 event JSON, as the list envelope {@code {items: [...]}}: the event (or series)
 * first, then one instance per override ({@code recurringEventId} + {@code originalStartTime}; cancelled ones with
 * {@code status: cancelled}). Recurrence goes to {@code recurrence[]} as RRULE/RDATE/EXDATE lines with TZID.
 * Extra properties (e.g. the id marking a copy as ours) go to {@code extendedProperties.private}.
 */
public final class GoogleWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private GoogleWriter() {
    }

    public static Rendered write(UnifiedEvent e, Map<String, String> privateProperties) {
        ArrayNode items = JSON.createArrayNode();
        String id = e.sourceId() != null ? e.sourceId() : e.uid();
        ObjectNode ev = items.addObject();
        ev.put("kind", "calendar#event");
        ev.put("id", id);
        ev.put("iCalUID", e.uid());
        if (e.recurrenceId() != null) {
            ev.set("originalStartTime", time(e.recurrenceId()));
        }
        ev.put("status", e.status() == null ? "confirmed" : e.status().name().toLowerCase(Locale.ROOT));
        putText(ev, "summary", e.title());
        putText(ev, "description", e.description());
        putText(ev, "location", e.location());
        ev.set("start", time(e.start()));
        ev.set("end", time(e.end()));
        if (e.recurrence() != null) {
            ArrayNode lines = ev.putArray("recurrence");
            e.recurrence().rules().forEach(r -> lines.add("RRULE:" + r));
            e.recurrence().rdates().forEach(d -> lines.add(dateLine("RDATE", d)));
            e.recurrence().exdates().forEach(d -> lines.add(dateLine("EXDATE", d)));
        }
        if (e.organizer() != null) {
            ev.putObject("organizer").put("email", e.organizer());
        }
        if (!e.attendees().isEmpty()) {
            ArrayNode attendees = ev.putArray("attendees");
            for (Attendee a : e.attendees()) {
                ObjectNode n = attendees.addObject().put("email", a.email());
                putText(n, "displayName", a.name());
                n.put("responseStatus", switch (a.response()) {
                    case ACCEPTED -> "accepted";
                    case DECLINED -> "declined";
                    case TENTATIVE -> "tentative";
                    case NEEDS_ACTION -> "needsAction";
                });
            }
        }
        if (e.visibility() != null) {
            ev.put("visibility", e.visibility().name().toLowerCase(Locale.ROOT));
        }
        if (e.updatedAt() != null) {
            ev.put("updated", DateTimeFormatter.ISO_INSTANT.format(e.updatedAt()));
        }
        ev.put("sequence", e.sequence());
        if (!privateProperties.isEmpty()) {
            ObjectNode p = ev.putObject("extendedProperties").putObject("private");
            privateProperties.forEach(p::put);
        }
        for (UnifiedEvent.Override o : e.overrides()) {
            ObjectNode i = items.addObject();
            i.put("kind", "calendar#event");
            i.put("id", id + "_" + basic(o.recurrenceId()));
            i.put("iCalUID", e.uid());
            i.put("recurringEventId", id);
            i.set("originalStartTime", time(o.recurrenceId()));
            i.put("status", o.cancelled() ? "cancelled" : "confirmed");
            putText(i, "summary", o.title());
            EventTime start = o.start() != null ? o.start() : o.recurrenceId();
            i.set("start", time(start));
            i.set("end", time(o.end() != null ? o.end() : start));
            if (e.updatedAt() != null) {
                i.put("updated", DateTimeFormatter.ISO_INSTANT.format(e.updatedAt()));
            }
            i.put("sequence", e.sequence());
        }
        ObjectNode envelope = JSON.createObjectNode();
        envelope.put("kind", "calendar#events");
        envelope.set("items", items);
        return new Rendered(envelope.toString(), new ArrayList<>());
    }

    private static void putText(ObjectNode n, String field, String value) {
        if (value != null) {
            n.put(field, value);
        }
    }

    static ObjectNode time(EventTime t) {
        ObjectNode n = JSON.createObjectNode();
        if (t instanceof EventTime.AllDay d) {
            n.put("date", d.date().toString());
        } else {
            EventTime.Timed timed = (EventTime.Timed) t;
            n.put("dateTime", DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(timed.instant().atZone(timed.zone())));
            n.put("timeZone", timed.zone().getId());
        }
        return n;
    }

    private static String dateLine(String name, EventTime t) {
        if (t instanceof EventTime.AllDay d) {
            return name + ";VALUE=DATE:" + d.date().format(DateTimeFormatter.BASIC_ISO_DATE);
        }
        EventTime.Timed timed = (EventTime.Timed) t;
        if (timed.zone().getId().equals("UTC")) {
            return name + ":" + UTC.format(timed.instant().atZone(ZoneOffset.UTC));
        }
        return name + ";TZID=" + timed.zone().getId() + ":" + LOCAL.format(timed.instant().atZone(timed.zone()));
    }

    private static String basic(EventTime t) {
        if (t instanceof EventTime.AllDay d) {
            return d.date().format(DateTimeFormatter.BASIC_ISO_DATE);
        }
        return UTC.format(((EventTime.Timed) t).instant().atZone(ZoneOffset.UTC));
    }
}
