package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.io.IOException;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.CalendarParserFactory;
import net.fortuna.ical4j.data.ContentHandlerContext;
import net.fortuna.ical4j.data.ParserException;
import net.fortuna.ical4j.data.UnfoldingReader;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.property.DateListProperty;
import net.fortuna.ical4j.model.property.DateProperty;

/**
 * iCalendar (RFC 5545) → unified, through ical4j. A payload is parsed strictly first; if that fails it is parsed
 * again leniently (relaxed unfolding, invalid properties dropped; ical4j's global relaxed parsing/validation and
 * Outlook/Notes compatibility are on for both, set once by {@link Ical4jSettings}) and every event from it is reported as repaired with the strict parser's complaint. A payload that
 * cannot be parsed even leniently is rejected as a whole with the parser's reason. VEVENTs with a RECURRENCE-ID are
 * attached to their series when it is in the same payload.
 */
public final class ICalendarConverter {

    static {
        Ical4jSettings.apply();
    }

    private static final ZoneId UTC = ZoneId.of("UTC");
    private static final ContentHandlerContext STRICT = new ContentHandlerContext().withSuppressInvalidProperties(false);
    private static final ContentHandlerContext LENIENT = new ContentHandlerContext().withSuppressInvalidProperties(true);

    private ICalendarConverter() {
    }

    /** The parse outcome: the converted events, or the reason the whole payload was rejected. */
    public record Result(List<Conversion> events, String rejection) {
    }

    public static Result convert(String text, ZoneId orgZone) {
        Optional<Result> light = LightICalendar.convert(text, orgZone);
        return light.isPresent() ? light.get() : convertFully(text, orgZone);
    }

    /**
     * The full path: ical4j's {@code CalendarBuilder} object model, strict then lenient. Every payload the light path
     * ({@link LightICalendar}) declines goes here; for the payloads both accept, both give the same result (tested).
     */
    static Result convertFully(String text, ZoneId orgZone) {
        List<String> fileRepairs = new ArrayList<>();
        Calendar calendar;
        Map<Property, Temporal> dates = new IdentityHashMap<>();
        String parsedText = text;
        try {
            calendar = parse(text, false, dates);
        } catch (ParserException | IOException | RuntimeException strict) {
            try {
                String cleaned = withoutTopLevelAlarms(text);
                if (!cleaned.equals(text)) {
                    fileRepairs.add("removed VALARMs outside any VEVENT/VTODO");
                }
                dates.clear();
                calendar = parse(cleaned, true, dates);
                parsedText = cleaned;
                fileRepairs.add("parsed leniently: " + message(strict));
            } catch (ParserException | IOException | RuntimeException lenient) {
                return new Result(List.of(), "not valid iCalendar: " + message(lenient));
            }
        }
        List<Component> vevents = calendar.getComponents().stream().filter(c -> "VEVENT".equals(c.getName()))
                .map(c -> (Component) c).toList();
        List<String> rawBlocks = veventBlocks(parsedText);
        boolean sliced = rawBlocks.size() == vevents.size();
        List<List<Prop>> props = new ArrayList<>(vevents.size());
        for (Component c : vevents) {
            props.add(c.getProperties().stream().<Prop>map(p -> new IcalProp(p, dates)).toList());
        }
        // the raw copy as received: the VEVENT's own lines of the payload (rendered again only if they cannot be
        // matched one to one, e.g. a BEGIN line folded in two)
        return assemble(props, i -> sliced ? rawBlocks.get(i) : render(vevents.get(i)), orgZone, fileRepairs);
    }

    /** The payload's VEVENTs (as property lists, in order) → conversions, occurrences attached to their series. */
    static Result assemble(List<List<Prop>> vevents, java.util.function.IntFunction<String> raw, ZoneId orgZone,
            List<String> fileRepairs) {
        List<Conversion> masters = new ArrayList<>();
        Map<String, Integer> masterIndex = new LinkedHashMap<>();
        List<Conversion> occurrences = new ArrayList<>();
        int position = 0;
        for (List<Prop> c : vevents) {
            position++;
            Conversion conversion;
            try {
                conversion = convertEvent(c, orgZone, fileRepairs, position);
            } catch (RuntimeException e) {
                conversion = Conversion.rejected(value(c, "UID").orElse("VEVENT #" + position),
                        "unreadable VEVENT: " + message(e));
            }
            conversion = conversion.withRaw(raw.apply(position - 1));
            if (!conversion.isRejected() && conversion.event().recurrenceId() != null) {
                occurrences.add(conversion);
            } else {
                if (!conversion.isRejected()) {
                    masterIndex.putIfAbsent(conversion.event().uid(), masters.size());
                }
                masters.add(conversion);
            }
        }
        for (Conversion occurrence : occurrences) {
            Integer i = masterIndex.get(occurrence.event().uid());
            if (i == null) {
                masters.add(occurrence); // an override whose series is elsewhere: kept as an occurrence
                continue;
            }
            Conversion master = masters.get(i);
            UnifiedEvent o = occurrence.event();
            List<UnifiedEvent.Override> overrides = new ArrayList<>(master.event().overrides());
            overrides.add(new UnifiedEvent.Override(o.recurrenceId(), o.status() == UnifiedEvent.Status.CANCELLED,
                    o.start(), o.end(), o.title()));
            masters.set(i, Conversion.ok(master.event().withOverrides(overrides), master.repairs())
                    .withRaw(master.raw() + occurrence.raw()));
        }
        return new Result(masters, null);
    }

    /** RFC 5545 allows VALARM only inside VEVENT/VTODO; exports (and spec snippets) sometimes put it at the top. */
    static String withoutTopLevelAlarms(String text) {
        StringBuilder out = new StringBuilder(text.length());
        int depth = 0;
        boolean skipping = false;
        for (String line : text.split("\r?\n", -1)) {
            String upper = line.strip().toUpperCase(java.util.Locale.ROOT);
            if (skipping) {
                if (upper.equals("END:VALARM")) {
                    skipping = false;
                }
                continue;
            }
            if (upper.startsWith("BEGIN:")) {
                if (upper.equals("BEGIN:VALARM") && depth == 1) {
                    skipping = true;
                    continue;
                }
                depth++;
            } else if (upper.startsWith("END:")) {
                depth--;
            }
            out.append(line).append("\r\n");
        }
        return out.toString();
    }

    /**
     * One parse, without touching any global switch ({@link Ical4jSettings} set them once): the strict pass keeps
     * invalid properties as errors and unfolds strictly; the repair pass drops invalid properties and unfolds leniently.
     */
    private static Calendar parse(String text, boolean lenient, Map<Property, Temporal> dates)
            throws ParserException, IOException {
        CalendarBuilder builder = new CalendarBuilder(CalendarParserFactory.getInstance().get(),
                lenient ? LENIENT : STRICT, TimeZoneRegistryFactory.getInstance().createRegistry());
        Calendar calendar = builder.build(new UnfoldingReader(new StringReader(text), lenient));
        // lazy values are read now, so a broken date fails this pass (and is repaired by the next), not later
        for (Component c : calendar.getComponents()) {
            for (Property p : c.getProperties()) {
                if (p instanceof DateProperty<?> d) {
                    Temporal t = d.getDate(); // resolving the zone is costly: kept for the conversion
                    if (t != null) {
                        dates.put(p, t);
                    }
                }
            }
        }
        return calendar;
    }

    /** The text of every VEVENT (BEGIN:VEVENT to its END:VEVENT, nested components included), in order. */
    static List<String> veventBlocks(String text) {
        List<String> blocks = new ArrayList<>();
        StringBuilder current = null;
        int depth = 0;
        int from = 0;
        int n = text.length();
        while (from < n) {
            int nl = text.indexOf('\n', from);
            int end = nl < 0 ? n : nl;
            int lineEnd = end > from && text.charAt(end - 1) == '\r' ? end - 1 : end;
            String line = text.substring(from, lineEnd);
            if (current == null) {
                if (line.strip().equalsIgnoreCase("BEGIN:VEVENT")) {
                    current = new StringBuilder(512).append(line).append("\r\n");
                    depth = 1;
                }
            } else {
                current.append(line).append("\r\n");
                String t = line.strip();
                if (t.regionMatches(true, 0, "BEGIN:", 0, 6)) {
                    depth++;
                } else if (t.regionMatches(true, 0, "END:", 0, 4) && --depth == 0) {
                    blocks.add(current.toString());
                    current = null;
                }
            }
            from = end + 1;
        }
        return blocks;
    }

    private static Conversion convertEvent(List<Prop> c, ZoneId orgZone, List<String> fileRepairs, int position) {
        List<String> repairs = new ArrayList<>(fileRepairs);
        String uid = value(c, "UID").orElse(null);
        EventTime start = time(c, "DTSTART", orgZone, repairs);
        if (uid == null || uid.isBlank()) {
            uid = "generated-" + hash(value(c, "DTSTART").orElse("") + "|" + value(c, "SUMMARY").orElse("") + "|" + position);
            repairs.add("VEVENT without UID: generated " + uid);
        }
        EventTime end = time(c, "DTEND", orgZone, repairs);
        Optional<String> duration = value(c, "DURATION");
        if (end == null && duration.isPresent() && start != null) {
            Duration d = Duration.parse(toJavaDuration(duration.get()));
            end = start instanceof EventTime.Timed t ? new EventTime.Timed(t.instant().plus(d), t.zone())
                    : new EventTime.AllDay(((EventTime.AllDay) start).date().plusDays(Math.max(1, d.toDays())));
        }
        List<String> rules = new ArrayList<>();
        List<EventTime> rdates = new ArrayList<>();
        List<EventTime> exdates = new ArrayList<>();
        for (Prop p : c) {
            switch (p.name()) {
                case "RRULE" -> rules.add(p.value());
                case "RDATE" -> rdates.addAll(dates(p, orgZone, repairs));
                case "EXDATE" -> exdates.addAll(dates(p, orgZone, repairs));
                default -> { }
            }
        }
        List<Attendee> attendees = new ArrayList<>();
        for (Prop p : c) {
            if ("ATTENDEE".equals(p.name())) {
                attendees.add(new Attendee(p.value(), p.param("CN"), partstat(p.param("PARTSTAT"))));
            }
        }
        String status = value(c, "STATUS").orElse("CONFIRMED").toUpperCase(java.util.Locale.ROOT);
        String klass = value(c, "CLASS").orElse("").toUpperCase(java.util.Locale.ROOT);
        Instant updated = instantOf(c, "LAST-MODIFIED").orElse(instantOf(c, "DTSTAMP").orElse(null));
        int sequence = value(c, "SEQUENCE").map(s -> {
            try {
                return Integer.parseInt(s.strip());
            } catch (NumberFormatException e) {
                repairs.add("ignored non-numeric SEQUENCE " + s);
                return 0;
            }
        }).orElse(0);
        UnifiedEvent event = new UnifiedEvent(uid, uid, time(c, "RECURRENCE-ID", orgZone, repairs),
                value(c, "SUMMARY").orElse(null), value(c, "DESCRIPTION").orElse(null), value(c, "LOCATION").orElse(null),
                start, end, rules.isEmpty() && rdates.isEmpty() ? null : new UnifiedEvent.Recurrence(rules, rdates, exdates),
                List.of(), value(c, "ORGANIZER").orElse(null), attendees,
                status.equals("CANCELLED") ? UnifiedEvent.Status.CANCELLED
                        : status.equals("TENTATIVE") ? UnifiedEvent.Status.TENTATIVE : UnifiedEvent.Status.CONFIRMED,
                switch (klass) {
                    case "PUBLIC" -> UnifiedEvent.Visibility.PUBLIC;
                    case "PRIVATE" -> UnifiedEvent.Visibility.PRIVATE;
                    case "CONFIDENTIAL" -> UnifiedEvent.Visibility.CONFIDENTIAL;
                    default -> UnifiedEvent.Visibility.DEFAULT;
                },
                updated, sequence);
        return Cleanser.clean(event, repairs);
    }

    /** The component as iCalendar text; properties ical4j cannot render (broken values) are left out. */
    static String render(Component c) {
        try {
            return c.toString();
        } catch (RuntimeException e) {
            StringBuilder b = new StringBuilder("BEGIN:").append(c.getName()).append("\r\n");
            for (Property p : c.getProperties()) {
                try {
                    b.append(p.toString());
                } catch (RuntimeException skipped) {
                    b.append("X-UNREADABLE-PROPERTY:").append(p.getName()).append("\r\n");
                }
            }
            return b.append("END:").append(c.getName()).append("\r\n").toString();
        }
    }

    private static String toJavaDuration(String icalDuration) {
        // RFC 5545 allows weeks (P2W) and day-only durations (P1D); java.time.Duration wants PnDTnHnMnS
        String d = icalDuration.strip();
        if (d.matches("[+]?P\\d+W")) {
            return "P" + Integer.parseInt(d.replaceAll("\\D", "")) * 7 + "D";
        }
        return d.replace("+", "");
    }

    static EventTime time(List<Prop> c, String name, ZoneId orgZone, List<String> repairs) {
        for (Prop p : c) {
            if (name.equals(p.name()) && p.isDate()) {
                return toEventTime(p.date(), p.param("TZID"), orgZone, repairs, name);
            }
        }
        return null;
    }

    private static List<EventTime> dates(Prop p, ZoneId orgZone, List<String> repairs) {
        List<EventTime> out = new ArrayList<>();
        if (p.isDateList()) {
            for (Temporal t : p.dates()) {
                out.add(toEventTime(t, p.param("TZID"), orgZone, repairs, p.name()));
            }
        }
        return out;
    }

    static EventTime toEventTime(Temporal t, String tzid, ZoneId orgZone, List<String> repairs, String what) {
        if (t instanceof LocalDate d) {
            return new EventTime.AllDay(d);
        }
        if (t instanceof LocalDateTime local) {
            repairs.add("floating " + what + " " + local + ": read in the org zone " + orgZone);
            return new EventTime.Timed(local.atZone(orgZone).toInstant(), orgZone);
        }
        if (t instanceof ZonedDateTime z) {
            ZoneId named = TimeZones.resolve(tzid, repairs).orElse(null);
            if (named == null) {
                named = z.getZone().getId().contains("/") || z.getZone().getId().equals("UTC") ? safeRegion(z.getZone()) : null;
            }
            if (named == null) {
                repairs.add("unknown TZID '" + tzid + "' on " + what + ": kept its offset, named the org zone " + orgZone);
                named = orgZone;
            }
            return new EventTime.Timed(z.toInstant(), named);
        }
        if (t instanceof OffsetDateTime o) {
            return new EventTime.Timed(o.toInstant(), ZoneId.of("UTC"));
        }
        if (t instanceof Instant i) {
            return new EventTime.Timed(i, ZoneId.of("UTC"));
        }
        throw new IllegalArgumentException("unsupported date value " + t + " in " + what);
    }

    private static ZoneId safeRegion(ZoneId zone) {
        try {
            return ZoneId.of(zone.getId());
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Optional<Instant> instantOf(List<Prop> c, String name) {
        try {
            EventTime t = time(c, name, UTC, new ArrayList<>());
            return Optional.ofNullable(t).map(EventTime::sortKey);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    static Optional<String> value(List<Prop> c, String name) {
        for (Prop p : c) {
            if (name.equals(p.name())) {
                return Optional.ofNullable(p.value());
            }
        }
        return Optional.empty();
    }

    static String param(Property p, String name) {
        Optional<Parameter> v = p.getParameter(name);
        return v.map(Parameter::getValue).orElse(null);
    }

    /** What the conversion reads of one property, whichever parse produced it. */
    interface Prop {
        String name();

        String value();

        /** The first parameter of that name, or null. */
        String param(String name);

        boolean isDate();

        /** The DATE / DATE-TIME value as ical4j reads it (LocalDate, LocalDateTime, ZonedDateTime, OffsetDateTime, Instant). */
        Temporal date();

        boolean isDateList();

        List<Temporal> dates();
    }

    /**
     * A property of ical4j's object model, read lazily (dates already read by the parse are reused; none for a
     * property the light path had ical4j build).
     */
    record IcalProp(Property p, Map<Property, Temporal> known) implements Prop {
        public String name() {
            return p.getName();
        }

        public String value() {
            return p.getValue();
        }

        public String param(String name) {
            return ICalendarConverter.param(p, name);
        }

        public boolean isDate() {
            return p instanceof DateProperty<?>;
        }

        public Temporal date() {
            Temporal t = known.get(p);
            return t != null ? t : ((DateProperty<?>) p).getDate();
        }

        public boolean isDateList() {
            return p instanceof DateListProperty<?>;
        }

        @SuppressWarnings("unchecked")
        public List<Temporal> dates() {
            return (List<Temporal>) ((DateListProperty<?>) p).getDates();
        }
    }

    private static Attendee.ResponseStatus partstat(String s) {
        if (s == null) {
            return Attendee.ResponseStatus.NEEDS_ACTION;
        }
        return switch (s.toUpperCase(java.util.Locale.ROOT)) {
            case "ACCEPTED" -> Attendee.ResponseStatus.ACCEPTED;
            case "DECLINED" -> Attendee.ResponseStatus.DECLINED;
            case "TENTATIVE" -> Attendee.ResponseStatus.TENTATIVE;
            default -> Attendee.ResponseStatus.NEEDS_ACTION;
        };
    }

    private static String hash(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)))
                    .substring(0, 24);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String message(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.length() > 300 ? m.substring(0, 300) + "…" : m;
    }
}
