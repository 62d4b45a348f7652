package com.dataplatform.calendar.sync.occurrences;

import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;
import net.fortuna.ical4j.model.Recur;

/**
 * Expands a unified event into its occurrences overlapping [from, to): DTSTART, RRULE instances (ical4j's
 * {@code Recur.getDates} with a count limit, so an endless rule can never hang or exhaust memory — ical4j #254),
 * RDATEs, minus EXDATEs and cancelled overrides, with moved overrides at their new time. Timed series recur in their
 * own zone (09:00 Berlin stays 09:00 across DST). At most {@code cap} occurrences; {@code truncated} says if more
 * exist.
 */
public final class Expansion {

    /** One occurrence: start and end instants, the recurrence id (original start) for instances of a series. */
    public record Occurrence(Instant start, Instant end, Instant recurrenceId, boolean allDay) {
    }

    public record Expanded(List<Occurrence> occurrences, boolean truncated) {
    }

    private Expansion() {
    }

    public static Expanded expand(UnifiedEvent e, Instant from, Instant to, int cap) {
        Duration length = Duration.between(e.start().sortKey(), e.end().sortKey());
        boolean allDay = e.start() instanceof EventTime.AllDay;
        TreeMap<Instant, Occurrence> out = new TreeMap<>();
        if (e.recurrence() == null) {
            add(out, e.start().sortKey(), length, null, allDay, from, to);
            return new Expanded(List.copyOf(out.values()), false);
        }
        Instant searchFrom = from.minus(length);
        Set<Instant> excluded = new HashSet<>();
        e.recurrence().exdates().forEach(x -> excluded.add(x.sortKey()));
        for (UnifiedEvent.Override o : e.overrides()) {
            excluded.add(o.recurrenceId().sortKey());
        }
        List<Instant> instants = new ArrayList<>();
        instants.add(e.start().sortKey());
        for (String rule : e.recurrence().rules()) {
            // enough dates that, if ical4j stops at the limit, more than cap of them are in the window whatever the
            // exclusions and the padding before `from` (one date for timed, two days for all-day series)
            instants.addAll(dates(rule, e.start(), searchFrom, to, cap + 3 + excluded.size()));
        }
        e.recurrence().rdates().forEach(r -> instants.add(r.sortKey()));
        for (Instant start : instants) {
            if (!excluded.contains(start)) {
                add(out, start, length, start, allDay, from, to);
            }
        }
        for (UnifiedEvent.Override o : e.overrides()) {
            if (o.cancelled()) {
                continue;
            }
            Instant s = (o.start() != null ? o.start() : o.recurrenceId()).sortKey();
            Duration l = o.end() != null && o.start() != null ? Duration.between(s, o.end().sortKey()) : length;
            add(out, s, l, o.recurrenceId().sortKey(), allDay, from, to);
        }
        // the first cap occurrences in time order; truncated exactly when more exist in the window
        List<Occurrence> list = new ArrayList<>(out.values());
        boolean truncated = list.size() > cap;
        return new Expanded(List.copyOf(truncated ? list.subList(0, cap) : list), truncated);
    }

    private static void add(TreeMap<Instant, Occurrence> out, Instant start, Duration length, Instant recurrenceId,
            boolean allDay, Instant from, Instant to) {
        Instant end = start.plus(length);
        boolean overlaps = start.isBefore(to) && (end.isAfter(from) || (length.isZero() && !start.isBefore(from)));
        if (overlaps) {
            out.putIfAbsent(start, new Occurrence(start, end, recurrenceId, allDay));
        }
    }

    private static List<Instant> dates(String rule, EventTime start, Instant from, Instant to, int max) {
        if (start instanceof EventTime.AllDay d) {
            Recur<LocalDate> recur = new Recur<>(rule);
            LocalDate f = LocalDate.ofInstant(from, ZoneOffset.UTC).minusDays(1);
            LocalDate t = LocalDate.ofInstant(to, ZoneOffset.UTC).plusDays(1);
            return recur.getDates(d.date(), f, t, max).stream()
                    .map(x -> x.atStartOfDay(ZoneOffset.UTC).toInstant()).toList();
        }
        EventTime.Timed timed = (EventTime.Timed) start;
        ZoneId zone = timed.zone();
        Recur<ZonedDateTime> recur = new Recur<>(rule);
        ZonedDateTime seed = timed.instant().atZone(zone);
        return recur.getDates(seed, from.atZone(zone).truncatedTo(ChronoUnit.SECONDS), to.atZone(zone), max).stream()
                .map(ZonedDateTime::toInstant).toList();
    }
}
