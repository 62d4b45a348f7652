package com.dataplatform.calendar.sync.convert;

import static com.dataplatform.calendar.sync.convert.GoogleConverter.text;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.databind.JsonNode;

/**
 * Microsoft Graph event JSON → unified. Accepts one event or the list envelope {@code {value: [...]}}.
 * {@code start/end} are local date-times in a (usually Windows) time-zone name; a {@code seriesMaster}'s
 * {@code recurrence.pattern/range} becomes an RRULE; {@code occurrence}/{@code exception} instances become
 * occurrences of the series (recurrence id = {@code originalStart}); {@code isCancelled} marks them cancelled.
 */
public final class GraphConverter {

    private GraphConverter() {
    }

    public static List<Conversion> convert(JsonNode payload, ZoneId orgZone) {
        List<Conversion> out = new ArrayList<>();
        if (payload.has("value")) {
            if (!payload.get("value").isArray()) {
                throw new IllegalArgumentException("value must be an array of Microsoft Graph events");
            }
            payload.get("value").forEach(item -> out.add(convertOne(item, orgZone).withRaw(item.toString())));
        } else {
            out.add(convertOne(payload, orgZone).withRaw(payload.toString()));
        }
        return out;
    }

    static Conversion convertOne(JsonNode e, ZoneId orgZone) {
        if (!e.isObject()) {
            return Conversion.rejected(null, "a Graph event must be a JSON object");
        }
        String sourceId = text(e, "id");
        if (sourceId == null) {
            return Conversion.rejected(null, "Graph event without id");
        }
        List<String> repairs = new ArrayList<>();
        try {
            String uid = text(e, "iCalUId");
            if (uid == null) {
                uid = text(e, "seriesMasterId") != null ? text(e, "seriesMasterId") : sourceId;
                repairs.add("no iCalUId: used the Graph id as UID");
            }
            boolean allDay = e.path("isAllDay").asBoolean(false);
            EventTime start = e.has("start") ? time(e.get("start"), allDay, orgZone, repairs) : null;
            EventTime end = e.has("end") ? time(e.get("end"), allDay, orgZone, repairs) : null;
            String type = text(e, "type");
            EventTime recurrenceId = null;
            if (("occurrence".equals(type) || "exception".equals(type)) && text(e, "originalStart") != null) {
                OffsetDateTime original = OffsetDateTime.parse(text(e, "originalStart"));
                recurrenceId = allDay ? new EventTime.AllDay(original.toLocalDate())
                        : new EventTime.Timed(original.toInstant(), start instanceof EventTime.Timed t ? t.zone() : orgZone);
            }
            UnifiedEvent.Recurrence recurrence = "seriesMaster".equals(type) || e.hasNonNull("recurrence")
                    ? recurrence(e.path("recurrence"), start, repairs) : null;
            List<Attendee> attendees = new ArrayList<>();
            for (JsonNode a : e.path("attendees")) {
                attendees.add(new Attendee(text(a.path("emailAddress"), "address"), text(a.path("emailAddress"), "name"),
                        response(text(a.path("status"), "response"))));
            }
            boolean cancelled = e.path("isCancelled").asBoolean(false);
            String body = e.path("body").isObject() ? text(e.path("body"), "content") : null;
            if (body != null && "html".equalsIgnoreCase(text(e.path("body"), "contentType"))) {
                body = body.replaceAll("(?s)<[^>]*>", " ").replace("&nbsp;", " ").strip();
                repairs.add("converted HTML body to text");
            }
            UnifiedEvent event = new UnifiedEvent(uid, sourceId, recurrenceId, text(e, "subject"), body,
                    text(e.path("location"), "displayName"), start, end, recurrence, List.of(),
                    text(e.path("organizer").path("emailAddress"), "address"), attendees,
                    cancelled ? UnifiedEvent.Status.CANCELLED
                            : "tentative".equals(text(e, "showAs")) ? UnifiedEvent.Status.TENTATIVE : UnifiedEvent.Status.CONFIRMED,
                    visibility(text(e, "sensitivity")),
                    text(e, "lastModifiedDateTime") == null ? null : OffsetDateTime.parse(text(e, "lastModifiedDateTime")).toInstant(),
                    0);
            return Cleanser.clean(event, repairs);
        } catch (IllegalArgumentException | DateTimeParseException ex) {
            return Conversion.rejected(sourceId, "not a valid Microsoft Graph event: " + ex.getMessage());
        }
    }

    static EventTime time(JsonNode t, boolean allDay, ZoneId orgZone, List<String> repairs) {
        String dateTime = text(t, "dateTime");
        if (dateTime == null) {
            throw new IllegalArgumentException("start/end needs dateTime");
        }
        LocalDateTime local = LocalDateTime.parse(dateTime.length() > 26 ? dateTime.substring(0, 26) : dateTime);
        if (allDay) {
            return new EventTime.AllDay(local.toLocalDate());
        }
        String zoneName = text(t, "timeZone");
        ZoneId zone = TimeZones.resolve(zoneName, repairs).orElse(null);
        if (zone == null) {
            repairs.add((zoneName == null ? "no time zone" : "unknown time zone '" + zoneName + "'")
                    + ": used the org zone " + orgZone);
            zone = orgZone;
        }
        return new EventTime.Timed(local.atZone(zone).toInstant(), zone);
    }

    /** Graph's pattern/range → an RFC 5545 RRULE. */
    static UnifiedEvent.Recurrence recurrence(JsonNode r, EventTime start, List<String> repairs) {
        JsonNode p = r.path("pattern");
        JsonNode range = r.path("range");
        String type = text(p, "type");
        if (type == null) {
            throw new IllegalArgumentException("recurrence.pattern.type is missing");
        }
        StringBuilder rule = new StringBuilder();
        int interval = Math.max(1, p.path("interval").asInt(1));
        String days = days(p.path("daysOfWeek"));
        String setPos = switch (String.valueOf(text(p, "index"))) {
            case "second" -> "2";
            case "third" -> "3";
            case "fourth" -> "4";
            case "last" -> "-1";
            default -> "1";
        };
        switch (type) {
            case "daily" -> rule.append("FREQ=DAILY");
            case "weekly" -> rule.append("FREQ=WEEKLY").append(days.isEmpty() ? "" : ";BYDAY=" + days);
            case "absoluteMonthly" -> rule.append("FREQ=MONTHLY;BYMONTHDAY=").append(p.path("dayOfMonth").asInt());
            case "relativeMonthly" -> rule.append("FREQ=MONTHLY;BYDAY=").append(days).append(";BYSETPOS=").append(setPos);
            case "absoluteYearly" -> rule.append("FREQ=YEARLY;BYMONTH=").append(p.path("month").asInt())
                    .append(";BYMONTHDAY=").append(p.path("dayOfMonth").asInt());
            case "relativeYearly" -> rule.append("FREQ=YEARLY;BYMONTH=").append(p.path("month").asInt())
                    .append(";BYDAY=").append(days).append(";BYSETPOS=").append(setPos);
            default -> throw new IllegalArgumentException("unknown recurrence pattern type " + type);
        }
        if (interval > 1) {
            rule.append(";INTERVAL=").append(interval);
        }
        String firstDay = text(p, "firstDayOfWeek");
        if (firstDay != null && type.equals("weekly")) {
            rule.append(";WKST=").append(day(firstDay));
        }
        switch (String.valueOf(text(range, "type"))) {
            case "numbered" -> rule.append(";COUNT=").append(range.path("numberOfOccurrences").asInt());
            case "endDate" -> {
                LocalDate endDate = LocalDate.parse(text(range, "endDate"));
                if (start instanceof EventTime.Timed t) {
                    // UNTIL is inclusive and in UTC for date-time series: the end of that day in the event's zone
                    rule.append(";UNTIL=").append(endDate.plusDays(1).atStartOfDay(t.zone()).minusSeconds(1)
                            .withZoneSameInstant(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")));
                } else {
                    rule.append(";UNTIL=").append(endDate.format(DateTimeFormatter.BASIC_ISO_DATE));
                }
            }
            case "noEnd" -> { }
            default -> repairs.add("recurrence range without a known type: treated as no end");
        }
        return new UnifiedEvent.Recurrence(List.of(rule.toString()), List.of(), List.of());
    }

    private static String days(JsonNode daysOfWeek) {
        List<String> out = new ArrayList<>();
        daysOfWeek.forEach(d -> out.add(day(d.asString())));
        return String.join(",", out);
    }

    private static String day(String graphDay) {
        return graphDay.substring(0, 2).toUpperCase(Locale.ROOT);
    }

    static Attendee.ResponseStatus response(String s) {
        if (s == null) {
            return Attendee.ResponseStatus.NEEDS_ACTION;
        }
        return switch (s) {
            case "accepted", "organizer" -> Attendee.ResponseStatus.ACCEPTED;
            case "declined" -> Attendee.ResponseStatus.DECLINED;
            case "tentativelyAccepted" -> Attendee.ResponseStatus.TENTATIVE;
            default -> Attendee.ResponseStatus.NEEDS_ACTION;
        };
    }

    private static UnifiedEvent.Visibility visibility(String s) {
        if (s == null) {
            return UnifiedEvent.Visibility.DEFAULT;
        }
        return switch (s) {
            case "private", "personal" -> UnifiedEvent.Visibility.PRIVATE;
            case "confidential" -> UnifiedEvent.Visibility.CONFIDENTIAL;
            default -> UnifiedEvent.Visibility.DEFAULT;
        };
    }
}
