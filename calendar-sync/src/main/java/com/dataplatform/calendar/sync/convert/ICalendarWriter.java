package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.ParameterList;
import net.fortuna.ical4j.model.TimeZone;
import net.fortuna.ical4j.model.TimeZoneRegistry;
import net.fortuna.ical4j.model.TimeZoneRegistryFactory;
import net.fortuna.ical4j.model.component.VEvent;
import net.fortuna.ical4j.model.parameter.Cn;
import net.fortuna.ical4j.model.parameter.PartStat;
import net.fortuna.ical4j.model.parameter.TzId;
import net.fortuna.ical4j.model.parameter.Value;
import net.fortuna.ical4j.model.property.Clazz;
import net.fortuna.ical4j.model.property.Description;
import net.fortuna.ical4j.model.property.DtEnd;
import net.fortuna.ical4j.model.property.DtStamp;
import net.fortuna.ical4j.model.property.DtStart;
import net.fortuna.ical4j.model.property.ExDate;
import net.fortuna.ical4j.model.property.LastModified;
import net.fortuna.ical4j.model.property.Location;
import net.fortuna.ical4j.model.property.Organizer;
import net.fortuna.ical4j.model.property.ProdId;
import net.fortuna.ical4j.model.property.RDate;
import net.fortuna.ical4j.model.property.RRule;
import net.fortuna.ical4j.model.property.RecurrenceId;
import net.fortuna.ical4j.model.property.Sequence;
import net.fortuna.ical4j.model.property.Status;
import net.fortuna.ical4j.model.property.Summary;
import net.fortuna.ical4j.model.property.Uid;
import net.fortuna.ical4j.model.property.Version;
import net.fortuna.ical4j.model.property.XProperty;

/**
 * Unified → iCalendar (RFC 5545) through ical4j: one VCALENDAR per unified event — the series VEVENT, one VEVENT
 * per override (same UID + RECURRENCE-ID; cancelled ones with STATUS:CANCELLED) and a VTIMEZONE for every zone used
 * (from ical4j's bundled tz data). Times keep their IANA zone as TZID; UTC is written as UTC. Extra X-properties
 * (e.g. the id marking a copy as ours, for echo suppression) go on every VEVENT.
 */
public final class ICalendarWriter {

    private static final TimeZoneRegistry ZONES = TimeZoneRegistryFactory.getInstance().createRegistry();
    private static final DateTimeFormatter LOCAL = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter UTC = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private ICalendarWriter() {
    }

    public static Rendered write(UnifiedEvent e, Map<String, String> xProperties) {
        List<String> losses = new ArrayList<>();
        Map<String, TimeZone> zones = new LinkedHashMap<>();
        Calendar calendar = new Calendar();
        calendar.add(new ProdId("-//dataplatform//calendar-sync//EN"));
        calendar.add(new Version(new ParameterList(), "2.0"));
        VEvent master = new VEvent(false);
        master.add(new Uid(e.uid()));
        master.add(new DtStamp(e.updatedAt() == null ? Instant.now() : e.updatedAt()));
        if (e.updatedAt() != null) {
            master.add(new LastModified(e.updatedAt()));
        }
        if (e.recurrenceId() != null) {
            master.add(new RecurrenceId<>(params(e.recurrenceId(), zones, losses), value(e.recurrenceId(), zones)));
        }
        master.add(new DtStart<>(params(e.start(), zones, losses), value(e.start(), zones)));
        master.add(new DtEnd<>(params(e.end(), zones, losses), value(e.end(), zones)));
        text(master, e);
        if (e.recurrence() != null) {
            e.recurrence().rules().forEach(r -> master.add(new RRule<>(r)));
            e.recurrence().rdates().forEach(d -> master.add(new RDate<>(params(d, zones, losses), value(d, zones))));
            e.recurrence().exdates().forEach(d -> master.add(new ExDate<>(params(d, zones, losses), value(d, zones))));
        }
        if (e.organizer() != null) {
            master.add(new Organizer(URI.create("mailto:" + e.organizer())));
        }
        for (Attendee a : e.attendees()) {
            ParameterList p = new ParameterList(List.of(new PartStat(a.response().name().replace('_', '-'))));
            if (a.name() != null) {
                p = p.add(new Cn(a.name()));
            }
            master.add(new net.fortuna.ical4j.model.property.Attendee(p, URI.create("mailto:" + a.email())));
        }
        if (e.status() != null) {
            master.add(new Status(e.status().name()));
        }
        if (e.visibility() != null && e.visibility() != UnifiedEvent.Visibility.DEFAULT) {
            master.add(new Clazz(e.visibility().name()));
        }
        master.add(new Sequence(e.sequence()));
        xProperties.forEach((k, v) -> master.add(new XProperty(k, v)));
        calendar.add(master);
        for (UnifiedEvent.Override o : e.overrides()) {
            VEvent v = new VEvent(false);
            v.add(new Uid(e.uid()));
            v.add(new DtStamp(e.updatedAt() == null ? Instant.now() : e.updatedAt()));
            v.add(new RecurrenceId<>(params(o.recurrenceId(), zones, losses), value(o.recurrenceId(), zones)));
            EventTime start = o.start() != null ? o.start() : o.recurrenceId();
            v.add(new DtStart<>(params(start, zones, losses), value(start, zones)));
            if (o.end() != null && !o.end().equals(start)) {
                v.add(new DtEnd<>(params(o.end(), zones, losses), value(o.end(), zones)));
            }
            if (o.title() != null) {
                v.add(new Summary(o.title()));
            }
            v.add(new Status(o.cancelled() ? "CANCELLED" : "CONFIRMED"));
            v.add(new Sequence(e.sequence()));
            xProperties.forEach((k, val) -> v.add(new XProperty(k, val)));
            calendar.add(v);
        }
        zones.values().forEach(tz -> calendar.add(tz.getVTimeZone()));
        return new Rendered(calendar.toString(), losses);
    }

    private static void text(VEvent v, UnifiedEvent e) {
        if (e.title() != null) {
            v.add(new Summary(e.title()));
        }
        if (e.description() != null) {
            v.add(new Description(e.description()));
        }
        if (e.location() != null) {
            v.add(new Location(e.location()));
        }
    }

    private static boolean isUtc(ZoneId zone) {
        String id = zone.getId();
        return id.equals("UTC") || id.equals("Z") || id.equals("Etc/UTC") || id.equals("GMT");
    }

    /** VALUE=DATE for all-day, TZID for zoned times (the zone's VTIMEZONE is added), nothing for UTC. */
    private static ParameterList params(EventTime t, Map<String, TimeZone> zones, List<String> losses) {
        if (t instanceof EventTime.AllDay) {
            return new ParameterList(List.of(Value.DATE));
        }
        ZoneId zone = ((EventTime.Timed) t).zone();
        if (isUtc(zone)) {
            return new ParameterList();
        }
        TimeZone tz = zones.computeIfAbsent(zone.getId(), ZONES::getTimeZone);
        if (tz == null) {
            zones.remove(zone.getId());
            losses.add("no VTIMEZONE for " + zone + ": written in UTC");
            return new ParameterList();
        }
        return new ParameterList(List.of(new TzId(zone.getId())));
    }

    private static String value(EventTime t, Map<String, TimeZone> zones) {
        if (t instanceof EventTime.AllDay d) {
            return d.date().format(DateTimeFormatter.BASIC_ISO_DATE);
        }
        EventTime.Timed timed = (EventTime.Timed) t;
        if (isUtc(timed.zone()) || !zones.containsKey(timed.zone().getId())) {
            return UTC.format(timed.instant().atZone(java.time.ZoneOffset.UTC));
        }
        return LOCAL.format(timed.instant().atZone(timed.zone()));
    }
}
