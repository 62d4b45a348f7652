package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Google Calendar API v3 event JSON → unified. Accepts one event or the list envelope {@code {items: [...]}}.
 * Instances with {@code recurringEventId} become occurrences (recurrence id = {@code originalStartTime});
 * {@code status: cancelled} instances become cancelled occurrences; {@code recurrence[]} lines give RRULE, RDATE and
 * EXDATE.
 */
public final class GoogleConverter {

    private GoogleConverter() {
    }

    public static List<Conversion> convert(JsonNode payload, ZoneId orgZone) {
        List<Conversion> out = new ArrayList<>();
        if (payload.has("items")) {
            if (!payload.get("items").isArray()) {
                throw new IllegalArgumentException("items must be an array of Google Calendar events");
            }
            payload.get("items").forEach(item -> out.add(convertOne(item, orgZone).withRaw(item.toString())));
        } else {
            out.add(convertOne(payload, orgZone).withRaw(payload.toString()));
        }
        return out;
    }

    static Conversion convertOne(JsonNode e, ZoneId orgZone) {
        String sourceId = text(e, "id");
        if (!e.isObject()) {
            return Conversion.rejected(null, "a Google event must be a JSON object");
        }
        if (sourceId == null) {
            return Conversion.rejected(null, "Google event without id");
        }
        List<String> repairs = new ArrayList<>();
        try {
            String uid = text(e, "iCalUID");
            if (uid == null) {
                uid = text(e, "recurringEventId") != null ? text(e, "recurringEventId") : sourceId;
                repairs.add("no iCalUID: used the Google id as UID");
            }
            EventTime recurrenceId = e.has("originalStartTime") ? time(e.get("originalStartTime"), orgZone, repairs) : null;
            boolean cancelled = "cancelled".equals(text(e, "status"));
            if (cancelled && recurrenceId != null && !e.has("start")) {
                // a cancelled instance carries only ids and originalStartTime
                return Conversion.ok(new UnifiedEvent(uid, sourceId, recurrenceId, null, null, null, recurrenceId,
                        recurrenceId, null, null, null, null, UnifiedEvent.Status.CANCELLED, UnifiedEvent.Visibility.DEFAULT,
                        instant(text(e, "updated")), e.path("sequence").asInt(0)), repairs);
            }
            EventTime start = e.has("start") ? time(e.get("start"), orgZone, repairs) : null;
            EventTime end = e.has("end") ? time(e.get("end"), orgZone, repairs) : null;
            UnifiedEvent.Recurrence recurrence = recurrence(e.path("recurrence"), orgZone, repairs);
            List<Attendee> attendees = new ArrayList<>();
            for (JsonNode a : e.path("attendees")) {
                attendees.add(new Attendee(text(a, "email"), text(a, "displayName"), response(text(a, "responseStatus"))));
            }
            UnifiedEvent event = new UnifiedEvent(uid, sourceId, recurrenceId, text(e, "summary"), text(e, "description"),
                    text(e, "location"), start, end, recurrence, List.of(), text(e.path("organizer"), "email"), attendees,
                    status(text(e, "status")), visibility(text(e, "visibility")), instant(text(e, "updated")),
                    e.path("sequence").asInt(0));
            return Cleanser.clean(event, repairs);
        } catch (IllegalArgumentException | DateTimeParseException ex) {
            return Conversion.rejected(sourceId, "not a valid Google Calendar event: " + ex.getMessage());
        }
    }

    static EventTime time(JsonNode t, ZoneId orgZone, List<String> repairs) {
        if (t.hasNonNull("date")) {
            return new EventTime.AllDay(LocalDate.parse(t.get("date").asString()));
        }
        if (!t.hasNonNull("dateTime")) {
            throw new IllegalArgumentException("start/end needs date or dateTime");
        }
        OffsetDateTime at = OffsetDateTime.parse(t.get("dateTime").asString());
        ZoneId zone = TimeZones.resolve(text(t, "timeZone"), repairs).orElse(null);
        if (zone == null) {
            zone = orgZone;
            if (text(t, "timeZone") != null) {
                repairs.add("unknown time zone '" + text(t, "timeZone") + "': used the org zone " + orgZone);
            }
        }
        return new EventTime.Timed(at.toInstant(), zone);
    }

    private static UnifiedEvent.Recurrence recurrence(JsonNode lines, ZoneId orgZone, List<String> repairs) {
        if (!lines.isArray() || lines.isEmpty()) {
            return null;
        }
        List<String> rules = new ArrayList<>();
        List<EventTime> rdates = new ArrayList<>();
        List<EventTime> exdates = new ArrayList<>();
        for (JsonNode line : lines) {
            String l = line.asString();
            String upper = l.toUpperCase(Locale.ROOT);
            if (upper.startsWith("RRULE:")) {
                rules.add(l.substring(6));
            } else if (upper.startsWith("EXDATE")) {
                exdates.addAll(ICalDates.parseDateList(l, orgZone, repairs));
            } else if (upper.startsWith("RDATE")) {
                rdates.addAll(ICalDates.parseDateList(l, orgZone, repairs));
            } else {
                repairs.add("ignored recurrence line " + l);
            }
        }
        return new UnifiedEvent.Recurrence(rules, rdates, exdates);
    }

    static Attendee.ResponseStatus response(String s) {
        if (s == null) {
            return Attendee.ResponseStatus.NEEDS_ACTION;
        }
        return switch (s) {
            case "accepted" -> Attendee.ResponseStatus.ACCEPTED;
            case "declined" -> Attendee.ResponseStatus.DECLINED;
            case "tentative" -> Attendee.ResponseStatus.TENTATIVE;
            default -> Attendee.ResponseStatus.NEEDS_ACTION;
        };
    }

    private static UnifiedEvent.Status status(String s) {
        if ("tentative".equals(s)) {
            return UnifiedEvent.Status.TENTATIVE;
        }
        return "cancelled".equals(s) ? UnifiedEvent.Status.CANCELLED : UnifiedEvent.Status.CONFIRMED;
    }

    private static UnifiedEvent.Visibility visibility(String s) {
        if (s == null) {
            return UnifiedEvent.Visibility.DEFAULT;
        }
        return switch (s) {
            case "public" -> UnifiedEvent.Visibility.PUBLIC;
            case "private" -> UnifiedEvent.Visibility.PRIVATE;
            case "confidential" -> UnifiedEvent.Visibility.CONFIDENTIAL;
            default -> UnifiedEvent.Visibility.DEFAULT;
        };
    }

    static Instant instant(String rfc3339) {
        return rfc3339 == null ? null : OffsetDateTime.parse(rfc3339).toInstant();
    }

    static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || !v.isValueNode() ? null : v.asString();
    }
}
