package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Normalisation and sanity rules every converted event goes through: whitespace, emails (trimmed, lower-case,
 * {@code mailto:} dropped, duplicates merged), a missing end (RFC 5545 defaults), and rejection of events that end
 * before they start or last absurdly long. RRULEs are validated and written in ical4j's canonical order, so the same
 * rule from two systems is the same text.
 */
public final class Cleanser {

    /** Longest accepted single event; longer ones are almost always broken exports. */
    public static final Duration MAX_DURATION = Duration.ofDays(366);
    private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s]+");
    private static final Pattern SPACES = Pattern.compile("[\\t\\x0B\\f\\r ]+");

    private Cleanser() {
    }

    public static Conversion clean(UnifiedEvent e, List<String> repairsSoFar) {
        List<String> repairs = new ArrayList<>(repairsSoFar);
        if (e.uid() == null || e.uid().isBlank()) {
            return Conversion.rejected(e.sourceId(), "event has no UID / iCalUID / id");
        }
        if (e.start() == null) {
            return Conversion.rejected(e.sourceId(), "event has no start");
        }
        EventTime end = e.end();
        if (end == null) {
            end = e.start() instanceof EventTime.AllDay d ? new EventTime.AllDay(d.date().plusDays(1)) : e.start();
            repairs.add("missing end: set to " + (e.start() instanceof EventTime.AllDay ? "start + 1 day" : "start"));
        }
        if (end.getClass() != e.start().getClass()) {
            return Conversion.rejected(e.sourceId(), "start and end mix an all-day date with a date-time");
        }
        Duration length = Duration.between(e.start().sortKey(), end.sortKey());
        if (length.isNegative()) {
            return Conversion.rejected(e.sourceId(), "end " + end.sortKey() + " is before start " + e.start().sortKey());
        }
        if (length.compareTo(MAX_DURATION) > 0) {
            return Conversion.rejected(e.sourceId(),
                    "absurd duration of " + length.toDays() + " days (limit " + MAX_DURATION.toDays() + ")");
        }
        UnifiedEvent.Recurrence recurrence = e.recurrence();
        if (recurrence != null) {
            List<String> rules = new ArrayList<>();
            for (String rule : recurrence.rules()) {
                try {
                    rules.add(canonicalRule(rule));
                } catch (RuntimeException ex) {
                    return Conversion.rejected(e.sourceId(), "invalid RRULE " + rule + ": " + ex.getMessage());
                }
            }
            recurrence = new UnifiedEvent.Recurrence(rules, recurrence.rdates(), recurrence.exdates());
        }
        String title = text(e.title(), "title", repairs);
        String description = e.description() == null ? null : e.description().strip();
        String location = text(e.location(), "location", repairs);
        String organizer = email(e.organizer(), "organizer", repairs);
        Map<String, Attendee> attendees = new LinkedHashMap<>();
        for (Attendee a : e.attendees()) {
            String mail = email(a.email(), "attendee", repairs);
            if (mail == null) {
                repairs.add("dropped attendee without a valid email");
                continue;
            }
            if (attendees.putIfAbsent(mail, new Attendee(mail, text(a.name(), "attendee name", repairs), a.response())) != null) {
                repairs.add("merged duplicate attendee " + mail);
            }
        }
        return Conversion.ok(new UnifiedEvent(e.uid().strip(), e.sourceId(), e.recurrenceId(), title, description,
                location, e.start(), end, recurrence, e.overrides(), organizer, List.copyOf(attendees.values()),
                e.status(), e.visibility(), e.updatedAt() == null ? null : e.updatedAt().truncatedTo(ChronoUnit.MILLIS),
                e.sequence()), repairs);
    }

    /** Canonical RRULEs by their text: the same few rules recur in every payload, ical4j parses each once. */
    private static final java.util.concurrent.ConcurrentHashMap<String, String> CANONICAL_RULES =
            new java.util.concurrent.ConcurrentHashMap<>();

    static String canonicalRule(String rule) {
        String known = CANONICAL_RULES.get(rule);
        if (known != null) {
            return known;
        }
        String canonical = new net.fortuna.ical4j.model.Recur<>(rule).toString(); // throws for an invalid rule
        if (CANONICAL_RULES.size() < 10_000) {
            CANONICAL_RULES.put(rule, canonical);
        }
        return canonical;
    }

    private static String text(String value, String field, List<String> repairs) {
        if (value == null) {
            return null;
        }
        String cleaned = SPACES.matcher(value.strip()).replaceAll(" ");
        if (!cleaned.equals(value)) {
            repairs.add("normalised whitespace in " + field);
        }
        return cleaned.isEmpty() ? null : cleaned;
    }

    static String email(String value, String field, List<String> repairs) {
        if (value == null || value.isBlank()) {
            return null;
        }
        String v = value.strip();
        if (v.regionMatches(true, 0, "mailto:", 0, 7)) {
            v = v.substring(7);
        }
        String lower = v.toLowerCase(Locale.ROOT);
        if (!EMAIL.matcher(lower).matches()) {
            return null;
        }
        if (!lower.equals(value.strip()) && !("mailto:" + lower).equalsIgnoreCase(value.strip())) {
            repairs.add("normalised " + field + " email " + lower);
        }
        return lower;
    }
}
