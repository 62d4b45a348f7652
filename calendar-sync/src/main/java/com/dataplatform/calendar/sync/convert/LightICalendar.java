package com.dataplatform.calendar.sync.convert;

import java.io.StringReader;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.ResolverStyle;
import java.time.temporal.Temporal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.data.CalendarParserImpl;
import net.fortuna.ical4j.data.ContentHandler;
import net.fortuna.ical4j.data.DefaultParameterFactorySupplier;
import net.fortuna.ical4j.data.DefaultPropertyFactorySupplier;
import net.fortuna.ical4j.data.UnfoldingReader;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Component;
import net.fortuna.ical4j.model.Parameter;
import net.fortuna.ical4j.model.ParameterBuilder;
import net.fortuna.ical4j.model.ParameterFactory;
import net.fortuna.ical4j.model.Property;
import net.fortuna.ical4j.model.PropertyBuilder;
import net.fortuna.ical4j.model.PropertyCodec;
import net.fortuna.ical4j.model.PropertyFactory;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.property.DateProperty;
import net.fortuna.ical4j.util.Constants;

/**
 * The light parse path: ical4j's own parser ({@link CalendarParserImpl}, strict unfolding) with a content handler
 * that keeps each property as its name, value and parameters instead of building ical4j's object model for it —
 * {@code CalendarBuilder} looks up a fresh list of every property and parameter factory for each property and
 * resolves every TZID through a scan of its zone registry, which was most of the conversion's time.
 * <p>
 * Only what the result provably does not depend on is skipped. Values the conversion reads are decoded here when
 * they have a plain form whose ical4j reading is known (escaped text, mailto addresses, the DATE / DATE-TIME forms,
 * TZIDs resolved once per id through ical4j itself); every other property — and every parameter — is still built by
 * ical4j's own builders (same factories, so the same strict validation). A payload this path cannot answer exactly
 * the way the full path would is declined and converted by {@link ICalendarConverter#convertFully}: anything that
 * fails the strict parse (so the repair pass and its messages stay in one place), a VTIMEZONE (its rules would be
 * registered for the payload), components other than VEVENT and its VALARMs, several calendars in one text, or raw
 * copies that cannot be sliced one to one. {@code LightICalendarTest} checks both paths agree on the test corpus.
 */
final class LightICalendar {

    static {
        Ical4jSettings.apply();
    }

    // the factory lists CalendarBuilder asks its suppliers for on every property / parameter; the factories are
    // stateless, so one list (in the same order, hence the same factory wins) serves every parse
    private static final List<PropertyFactory<?>> PROPERTY_FACTORIES = List.copyOf(new DefaultPropertyFactorySupplier().get());
    private static final List<ParameterFactory<?>> PARAMETER_FACTORIES =
            List.copyOf(new DefaultParameterFactorySupplier().get());

    private static final Set<String> TEXT = Set.of("UID", "SUMMARY", "DESCRIPTION", "LOCATION");
    private static final Set<String> STATUSES = Set.of("CONFIRMED", "TENTATIVE", "CANCELLED");
    private static final Set<String> CLASSES = Set.of("PUBLIC", "PRIVATE", "CONFIDENTIAL");
    private static final Set<String> DATES = Set.of("DTSTART", "DTEND", "RECURRENCE-ID");
    private static final Set<String> UTC_DATES = Set.of("DTSTAMP", "LAST-MODIFIED");
    private static final Set<String> DATE_LISTS = Set.of("EXDATE", "RDATE");
    private static final Pattern MAILTO = Pattern.compile("(?i)mailto:[A-Za-z0-9._+\\-]+@[A-Za-z0-9.\\-]+");
    private static final Pattern DIGITS = Pattern.compile("\\d{1,9}");
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT);
    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("uuuuMMdd'T'HHmmss").withResolverStyle(ResolverStyle.STRICT);

    /** TZID → the zone ical4j reads a DATE-TIME with that TZID in (no VTIMEZONE in the payload); empty: decline. */
    private static final Map<String, Optional<ZoneId>> ZONES = new ConcurrentHashMap<>();
    private static final int MAX_ZONES = 2_000;

    private LightICalendar() {
    }

    /** The converted payload, or empty when it needs the full path. */
    static Optional<ICalendarConverter.Result> convert(String text, ZoneId orgZone) {
        Handler handler = new Handler();
        try {
            new CalendarParserImpl().parse(new UnfoldingReader(new StringReader(text), false), handler);
        } catch (Exception | StackOverflowError e) {
            return Optional.empty(); // includes Decline: the full path gives the answer (and the repair messages)
        }
        if (handler.calendars != 1) {
            return Optional.empty();
        }
        List<String> blocks = ICalendarConverter.veventBlocks(text);
        if (blocks.size() != handler.vevents.size()) {
            return Optional.empty();
        }
        List<List<ICalendarConverter.Prop>> vevents = new ArrayList<>(handler.vevents.size());
        try {
            Context context = new Context();
            for (RawProp p : handler.validateOnly) {
                context.build(p, false);
            }
            for (List<RawProp> vevent : handler.vevents) {
                List<ICalendarConverter.Prop> props = new ArrayList<>(vevent.size());
                for (RawProp p : vevent) {
                    props.add(context.read(p));
                }
                vevents.add(props);
            }
        } catch (RuntimeException e) {
            return Optional.empty();
        }
        return Optional.of(ICalendarConverter.assemble(vevents, blocks::get, orgZone, new ArrayList<>()));
    }

    /** Thrown inside the parse when the payload needs the full path. */
    private static final class Decline extends RuntimeException {
        Decline() {
            super(null, null, false, false);
        }
    }

    /** A property as parsed: name, value and its parameters (built by ical4j, so validated as the full path does). */
    private static final class RawProp {
        final String name;
        final List<Parameter> params = new ArrayList<>(2);
        String value;

        RawProp(String name) {
            this.name = name;
        }

        /** The first parameter of that name, as PropertyBuilder keeps them (a parameter whose value is UTC is dropped). */
        String param(String n) {
            for (Parameter p : params) {
                if (n.equalsIgnoreCase(p.getName()) && !"UTC".equals(p.getValue())) {
                    return p.getValue();
                }
            }
            return null;
        }

        /** Whether every parameter kept is one of these. */
        boolean onlyParams(Set<String> names) {
            for (Parameter p : params) {
                if (!"UTC".equals(p.getValue()) && !names.contains(p.getName())) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final class Handler implements ContentHandler {
        final List<List<RawProp>> vevents = new ArrayList<>();
        final List<RawProp> validateOnly = new ArrayList<>();
        int calendars;
        private final List<String> stack = new ArrayList<>();
        private List<RawProp> current;
        private RawProp property;

        @Override
        public void startCalendar() {
            calendars++;
        }

        @Override
        public void endCalendar() {
        }

        @Override
        public void startComponent(String name) {
            if (stack.isEmpty() && "VEVENT".equals(name)) {
                current = new ArrayList<>(16);
                vevents.add(current);
            } else if (!(stack.size() == 1 && "VALARM".equals(name))) {
                throw new Decline(); // VTIMEZONE, VTODO, ... and anything nested deeper: the full path
            }
            stack.add(name);
        }

        @Override
        public void endComponent(String name) {
            if (stack.isEmpty()) {
                throw new Decline();
            }
            stack.remove(stack.size() - 1);
        }

        @Override
        public void startProperty(String name) {
            property = new RawProp(name);
        }

        @Override
        public void propertyValue(String value) {
            property.value = value;
        }

        @Override
        public void endProperty(String name) {
            if (stack.size() == 1) {
                current.add(property);
            } else {
                validateOnly.add(property); // calendar-level and VALARM properties: checked, not read
            }
            property = null;
        }

        @Override
        public void parameter(String name, String value) {
            property.params.add(new ParameterBuilder(PARAMETER_FACTORIES).name(name).value(value).build());
        }
    }

    /** One payload's reads: plain forms decoded here, the rest built by ical4j with one zone registry per payload. */
    private static final class Context {
        private TimeZoneRegistry registry;

        ICalendarConverter.Prop read(RawProp p) {
            String n = p.name;
            String v = p.value == null ? "" : p.value.trim(); // as PropertyBuilder.value() keeps it
            if (TEXT.contains(n)) {
                return new LightProp(n, decodeText(v), p, null, null);
            }
            if ("STATUS".equals(n) && STATUSES.contains(v.toUpperCase(java.util.Locale.ROOT))
                    || "CLASS".equals(n) && CLASSES.contains(v.toUpperCase(java.util.Locale.ROOT))) {
                return new LightProp(n, v.toUpperCase(java.util.Locale.ROOT), p, null, null);
            }
            if ("SEQUENCE".equals(n) && DIGITS.matcher(v).matches()
                    || ("ORGANIZER".equals(n) || "ATTENDEE".equals(n)) && MAILTO.matcher(v).matches()) {
                return new LightProp(n, v, p, null, null);
            }
            if (DATES.contains(n) || UTC_DATES.contains(n)) {
                Temporal t = p.onlyParams(Set.of("TZID", "VALUE")) ? date(v, p, UTC_DATES.contains(n)) : null;
                if (t != null) {
                    return new LightProp(n, v, p, t, null);
                }
            } else if (DATE_LISTS.contains(n) && p.onlyParams(Set.of("TZID", "VALUE")) && !v.isEmpty()) {
                List<Temporal> dates = new ArrayList<>();
                String[] items = v.split(",", -1);
                for (String item : items) {
                    // one form for the whole list (how ical4j reads a mixed list is left to ical4j); a bare date only
                    // with VALUE=DATE
                    Temporal t = item.length() != items[0].length() || item.length() == 8 && !"DATE".equals(p.param("VALUE"))
                            ? null : date(item, p, false);
                    if (t == null) {
                        dates = null;
                        break;
                    }
                    dates.add(t);
                }
                if (dates != null) {
                    return new LightProp(n, v, p, null, dates);
                }
            }
            return new ICalendarConverter.IcalProp(build(p, true), Map.of());
        }

        /** The value as ical4j reads it, or null when the form is not one of the plain ones. */
        private Temporal date(String v, RawProp p, boolean utcOnly) {
            String value = p.param("VALUE");
            String tzid = p.param("TZID");
            if (v.length() == 8 && !utcOnly && tzid == null && (value == null || value.equals("DATE"))) {
                return LocalDate.parse(v, DATE);
            }
            if (value != null && !value.equals("DATE-TIME")) {
                return null;
            }
            if (v.length() == 16 && v.charAt(15) == 'Z' && tzid == null) {
                LocalDateTime t = LocalDateTime.parse(v.substring(0, 15), DATE_TIME);
                return utcOnly ? t.toInstant(ZoneOffset.UTC) : OffsetDateTime.of(t, ZoneOffset.UTC);
            }
            if (v.length() == 15 && !utcOnly) {
                LocalDateTime t = LocalDateTime.parse(v, DATE_TIME);
                if (tzid == null) {
                    return t;
                }
                Optional<ZoneId> zone = zone(tzid);
                return zone.isPresent() ? ZonedDateTime.of(t, zone.get()) : null;
            }
            return null;
        }

        /**
         * Builds the property the way CalendarBuilder's content handler does (same factories, a fresh zone registry
         * per payload); an invalid one fails here as it fails the strict parse. VEVENT dates are read now, as the
         * full path reads them.
         */
        Property build(RawProp raw, boolean readDates) {
            if (registry == null) {
                registry = TimeZoneRegistryFactory.getInstance().createRegistry();
            }
            PropertyBuilder builder = new PropertyBuilder(PROPERTY_FACTORIES).name(raw.name).timeZoneRegistry(registry);
            for (Parameter p : raw.params) {
                builder.parameter(p);
            }
            Property property = builder.value(raw.value).build();
            property = Constants.forProperty(property);
            if (readDates && property instanceof DateProperty<?> d) {
                d.getDate();
            }
            return property;
        }
    }

    /** The zone ical4j reads {@code TZID=tzid} date-times in, found once per id by letting ical4j parse one. */
    private static Optional<ZoneId> zone(String tzid) {
        Optional<ZoneId> known = ZONES.get(tzid);
        if (known != null) {
            return known;
        }
        Optional<ZoneId> zone;
        if (tzid.isEmpty() || tzid.chars().anyMatch(ch -> ch < ' ' || ch == ':' || ch == ';' || ch == ',' || ch == '"')) {
            return Optional.empty(); // would not survive being written into the probe: the full path reads it
        }
        try {
            String probe = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//calendar-sync//zone probe//EN\r\nBEGIN:VEVENT\r\n"
                    + "DTSTART;TZID=" + tzid + ":20000101T000000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
            Calendar c = new CalendarBuilder().build(new UnfoldingReader(new StringReader(probe), false));
            Component e = (Component) c.getComponents().get(0);
            Property p = e.getProperties().get(0);
            zone = p instanceof DateProperty<?> d && d.getDate() instanceof ZonedDateTime z
                    && ICalendarConverter.param(p, "TZID") != null && ICalendarConverter.param(p, "TZID").equals(tzid)
                    ? Optional.of(z.getZone()) : Optional.empty();
        } catch (Exception | Error e) {
            zone = Optional.empty();
        }
        if (ZONES.size() < MAX_ZONES) {
            ZONES.put(tzid, zone);
        }
        return zone;
    }

    private static String decodeText(String v) {
        if (v.indexOf('\\') < 0) {
            return v; // nothing escaped: the codec would return it as is
        }
        try {
            return PropertyCodec.INSTANCE.decode(v);
        } catch (Exception e) {
            return v; // as PropertyBuilder: an undecodable value is kept as received
        }
    }

    /** A property read by the light path. */
    private record LightProp(String name, String value, RawProp raw, Temporal date, List<Temporal> dates)
            implements ICalendarConverter.Prop {
        public String param(String n) {
            return raw.param(n);
        }

        public boolean isDate() {
            return date != null;
        }

        public boolean isDateList() {
            return dates != null;
        }
    }
}
