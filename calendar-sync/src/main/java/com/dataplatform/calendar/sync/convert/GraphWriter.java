package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Unified → Microsoft Graph event JSON, as the list envelope {@code {value: [...]}}: a {@code singleInstance} or
 * {@code seriesMaster} (RRULE → {@code recurrence.pattern/range}), then one {@code exception} per override and per
 * EXDATE (Graph has no EXDATE: an excluded date is a cancelled exception). IANA zones become Windows names through
 * ICU4J's CLDR data ({@code TimeZone.getWindowsID}). What Graph cannot express (RDATE, rules outside its six
 * pattern types) is reported as a loss; an RRULE Graph cannot express at all makes the event unwritable.
 */
public final class GraphWriter {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter GRAPH_LOCAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss'.0000000'");
    private static final DateTimeFormatter UNTIL_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private GraphWriter() {
    }

    public static Rendered write(UnifiedEvent e, Map<String, String> singleValueExtendedProperties) {
        List<String> losses = new ArrayList<>();
        ArrayNode value = JSON.createArrayNode();
        String id = e.sourceId() != null ? e.sourceId() : e.uid();
        boolean allDay = e.start() instanceof EventTime.AllDay;
        ObjectNode ev = value.addObject();
        ev.put("id", id);
        ev.put("iCalUId", e.uid());
        boolean series = e.recurrence() != null && !e.recurrence().rules().isEmpty();
        ev.put("type", series ? "seriesMaster" : e.recurrenceId() != null ? "exception" : "singleInstance");
        if (e.recurrenceId() != null) {
            ev.put("originalStart", originalStart(e.recurrenceId()));
        }
        if (e.title() != null) {
            ev.put("subject", e.title());
        }
        if (e.description() != null) {
            ev.putObject("body").put("contentType", "text").put("content", e.description());
        }
        if (e.location() != null) {
            ev.putObject("location").put("displayName", e.location());
        }
        ev.put("isAllDay", allDay);
        ev.set("start", time(e.start(), losses));
        ev.set("end", time(e.end(), losses));
        if (series) {
            if (e.recurrence().rules().size() > 1) {
                losses.add("Graph holds one recurrence pattern: kept the first of " + e.recurrence().rules().size() + " RRULEs");
            }
            ev.set("recurrence", recurrence(e.recurrence().rules().get(0), e.start()));
        }
        if (e.recurrence() != null && !e.recurrence().rdates().isEmpty()) {
            losses.add("Graph has no RDATE: dropped " + e.recurrence().rdates().size() + " extra dates");
        }
        if (e.organizer() != null) {
            ev.putObject("organizer").putObject("emailAddress").put("address", e.organizer());
        }
        if (!e.attendees().isEmpty()) {
            ArrayNode attendees = ev.putArray("attendees");
            for (Attendee a : e.attendees()) {
                ObjectNode n = attendees.addObject();
                n.put("type", "required");
                ObjectNode mail = n.putObject("emailAddress").put("address", a.email());
                if (a.name() != null) {
                    mail.put("name", a.name());
                }
                n.putObject("status").put("response", switch (a.response()) {
                    case ACCEPTED -> "accepted";
                    case DECLINED -> "declined";
                    case TENTATIVE -> "tentativelyAccepted";
                    case NEEDS_ACTION -> "none";
                });
            }
        }
        ev.put("isCancelled", e.status() == UnifiedEvent.Status.CANCELLED);
        ev.put("showAs", e.status() == UnifiedEvent.Status.TENTATIVE ? "tentative" : "busy");
        ev.put("sensitivity", switch (e.visibility() == null ? UnifiedEvent.Visibility.DEFAULT : e.visibility()) {
            case PRIVATE -> "private";
            case CONFIDENTIAL -> "confidential";
            default -> "normal";
        });
        if (e.updatedAt() != null) {
            ev.put("lastModifiedDateTime", DateTimeFormatter.ISO_INSTANT.format(e.updatedAt()));
        }
        if (!singleValueExtendedProperties.isEmpty()) {
            ArrayNode props = ev.putArray("singleValueExtendedProperties");
            singleValueExtendedProperties.forEach((k, v) -> props.addObject()
                    .put("id", "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name " + k).put("value", v));
        }
        Map<String, UnifiedEvent.Override> exceptions = new LinkedHashMap<>();
        if (e.recurrence() != null) {
            for (EventTime ex : e.recurrence().exdates()) {
                exceptions.put(key(ex), new UnifiedEvent.Override(ex, true, null, null, null));
            }
        }
        e.overrides().forEach(o -> exceptions.put(key(o.recurrenceId()), o));
        for (UnifiedEvent.Override o : exceptions.values()) {
            ObjectNode x = value.addObject();
            x.put("id", id + "_" + key(o.recurrenceId()));
            x.put("iCalUId", e.uid());
            x.put("seriesMasterId", id);
            x.put("type", "exception");
            x.put("originalStart", originalStart(o.recurrenceId()));
            if (o.title() != null) {
                x.put("subject", o.title());
            }
            x.put("isAllDay", allDay);
            EventTime start = o.start() != null ? o.start() : o.recurrenceId();
            x.set("start", time(start, losses));
            x.set("end", time(o.end() != null ? o.end() : start, losses));
            x.put("isCancelled", o.cancelled());
            if (e.updatedAt() != null) {
                x.put("lastModifiedDateTime", DateTimeFormatter.ISO_INSTANT.format(e.updatedAt()));
            }
        }
        ObjectNode envelope = JSON.createObjectNode();
        envelope.set("value", value);
        return new Rendered(envelope.toString(), losses);
    }

    private static String key(EventTime t) {
        return t instanceof EventTime.AllDay d ? d.date().toString() : UNTIL_TIME.format(t.sortKey().atZone(ZoneOffset.UTC));
    }

    private static String originalStart(EventTime t) {
        return DateTimeFormatter.ISO_INSTANT.format(t.sortKey());
    }

    /** {dateTime, timeZone}: local time in the zone's Windows name, or UTC when CLDR has no Windows name for it. */
    static ObjectNode time(EventTime t, List<String> losses) {
        ObjectNode n = JSON.createObjectNode();
        if (t instanceof EventTime.AllDay d) {
            n.put("dateTime", GRAPH_LOCAL.format(d.date().atStartOfDay()));
            n.put("timeZone", "UTC");
            return n;
        }
        EventTime.Timed timed = (EventTime.Timed) t;
        String windows = windowsName(timed.zone());
        if (windows == null) {
            losses.add("no Windows time zone for " + timed.zone() + ": written in UTC");
            n.put("dateTime", GRAPH_LOCAL.format(LocalDateTime.ofInstant(timed.instant(), ZoneOffset.UTC)));
            n.put("timeZone", "UTC");
            return n;
        }
        n.put("dateTime", GRAPH_LOCAL.format(LocalDateTime.ofInstant(timed.instant(), timed.zone())));
        n.put("timeZone", windows);
        return n;
    }

    static String windowsName(ZoneId zone) {
        if (zone.getId().equals("UTC") || zone.getId().equals("Etc/UTC")) {
            return "UTC";
        }
        return com.ibm.icu.util.TimeZone.getWindowsID(zone.getId());
    }

    /** An RFC 5545 RRULE → Graph's pattern + range; rules outside Graph's six pattern types are refused. */
    static ObjectNode recurrence(String rrule, EventTime start) {
        Map<String, String> parts = new LinkedHashMap<>();
        for (String p : rrule.split(";")) {
            int eq = p.indexOf('=');
            if (eq > 0) {
                parts.put(p.substring(0, eq).toUpperCase(Locale.ROOT), p.substring(eq + 1).toUpperCase(Locale.ROOT));
            }
        }
        LocalDate first = start instanceof EventTime.AllDay d ? d.date()
                : LocalDate.ofInstant(start.sortKey(), ((EventTime.Timed) start).zone());
        String freq = parts.getOrDefault("FREQ", "");
        for (String k : parts.keySet()) {
            if (!List.of("FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS", "COUNT", "UNTIL", "WKST").contains(k)) {
                throw new IllegalArgumentException("Graph recurrence cannot express " + k + " in " + rrule);
            }
        }
        ObjectNode pattern = JSON.createObjectNode();
        String byDay = parts.get("BYDAY");
        String setPos = parts.get("BYSETPOS");
        if (byDay != null && byDay.matches("[+-]?\\d[A-Z]{2}")) { // BYDAY=2TU form of a relative pattern
            setPos = byDay.substring(0, byDay.length() - 2);
            byDay = byDay.substring(byDay.length() - 2);
        }
        switch (freq) {
            case "DAILY" -> {
                requireAbsent(parts, rrule, "BYDAY", "BYMONTHDAY", "BYMONTH", "BYSETPOS");
                pattern.put("type", "daily");
            }
            case "WEEKLY" -> {
                requireAbsent(parts, rrule, "BYMONTHDAY", "BYMONTH", "BYSETPOS");
                pattern.put("type", "weekly");
                days(pattern, byDay != null ? byDay : dayCode(first.getDayOfWeek()), rrule);
                if (parts.containsKey("WKST")) {
                    pattern.put("firstDayOfWeek", dayName(parts.get("WKST"), rrule));
                }
            }
            case "MONTHLY" -> {
                requireAbsent(parts, rrule, "BYMONTH");
                if (byDay != null) {
                    pattern.put("type", "relativeMonthly");
                    days(pattern, byDay, rrule);
                    pattern.put("index", index(setPos, rrule));
                } else {
                    pattern.put("type", "absoluteMonthly");
                    pattern.put("dayOfMonth", Integer.parseInt(parts.getOrDefault("BYMONTHDAY", "" + first.getDayOfMonth())));
                }
            }
            case "YEARLY" -> {
                pattern.put("month", Integer.parseInt(parts.getOrDefault("BYMONTH", "" + first.getMonthValue())));
                if (byDay != null) {
                    pattern.put("type", "relativeYearly");
                    days(pattern, byDay, rrule);
                    pattern.put("index", index(setPos, rrule));
                } else {
                    pattern.put("type", "absoluteYearly");
                    pattern.put("dayOfMonth", Integer.parseInt(parts.getOrDefault("BYMONTHDAY", "" + first.getDayOfMonth())));
                }
            }
            default -> throw new IllegalArgumentException("Graph recurrence cannot express FREQ=" + freq);
        }
        pattern.put("interval", Integer.parseInt(parts.getOrDefault("INTERVAL", "1")));
        ObjectNode recurrence = JSON.createObjectNode();
        recurrence.set("pattern", pattern);
        ObjectNode range = recurrence.putObject("range");
        range.put("startDate", first.toString());
        ZoneId zone = start instanceof EventTime.Timed t ? t.zone() : ZoneOffset.UTC;
        String windows = windowsName(zone);
        range.put("recurrenceTimeZone", windows == null ? "UTC" : windows);
        if (parts.containsKey("COUNT")) {
            range.put("type", "numbered").put("numberOfOccurrences", Integer.parseInt(parts.get("COUNT")));
        } else if (parts.containsKey("UNTIL")) {
            String until = parts.get("UNTIL");
            LocalDate end = until.length() == 8 ? LocalDate.parse(until, DateTimeFormatter.BASIC_ISO_DATE)
                    : until.endsWith("Z") ? LocalDate.ofInstant(java.time.LocalDateTime.parse(until, UNTIL_TIME)
                            .toInstant(ZoneOffset.UTC), zone)
                    : LocalDateTime.parse(until, DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss")).toLocalDate();
            range.put("type", "endDate").put("endDate", end.toString());
        } else {
            range.put("type", "noEnd");
        }
        return recurrence;
    }

    private static void requireAbsent(Map<String, String> parts, String rrule, String... keys) {
        for (String k : keys) {
            if (parts.containsKey(k)) {
                throw new IllegalArgumentException("Graph recurrence cannot express " + k + " with FREQ="
                        + parts.get("FREQ") + " in " + rrule);
            }
        }
    }

    private static void days(ObjectNode pattern, String byDay, String rrule) {
        ArrayNode days = pattern.putArray("daysOfWeek");
        for (String d : byDay.split(",")) {
            if (!d.matches("[A-Z]{2}")) {
                throw new IllegalArgumentException("Graph recurrence cannot express BYDAY=" + byDay + " in " + rrule);
            }
            days.add(dayName(d, rrule));
        }
    }

    private static String index(String setPos, String rrule) {
        return switch (setPos == null ? "1" : setPos.replace("+", "")) {
            case "1" -> "first";
            case "2" -> "second";
            case "3" -> "third";
            case "4" -> "fourth";
            case "-1" -> "last";
            default -> throw new IllegalArgumentException("Graph recurrence cannot express BYSETPOS=" + setPos + " in " + rrule);
        };
    }

    private static String dayCode(DayOfWeek d) {
        return d.name().substring(0, 2);
    }

    private static String dayName(String code, String rrule) {
        for (DayOfWeek d : DayOfWeek.values()) {
            if (d.name().startsWith(code)) {
                return d.name().toLowerCase(Locale.ROOT);
            }
        }
        throw new IllegalArgumentException("unknown weekday " + code + " in " + rrule);
    }
}
