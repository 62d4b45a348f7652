package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.EventTime;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** RFC 5545 DATE / DATE-TIME lists as they appear in Google's {@code recurrence[]} lines (EXDATE, RDATE). */
final class ICalDates {

    private static final DateTimeFormatter BASIC_DATE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
    private static final DateTimeFormatter BASIC_DATE = DateTimeFormatter.BASIC_ISO_DATE;

    private ICalDates() {
    }

    /** Parses e.g. {@code EXDATE;TZID=Europe/Berlin:20260310T090000,20260317T090000}. */
    static List<EventTime> parseDateList(String line, ZoneId orgZone, List<String> repairs) {
        int colon = line.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("date list without ':' in " + line);
        }
        String params = line.substring(0, colon).toUpperCase(Locale.ROOT);
        ZoneId zone = null;
        int tz = params.indexOf("TZID=");
        if (tz >= 0) {
            String name = line.substring(tz + 5, colon).split(";")[0];
            zone = TimeZones.resolve(name, repairs).orElse(null);
            if (zone == null) {
                repairs.add("unknown TZID '" + name + "': used the org zone " + orgZone);
                zone = orgZone;
            }
        }
        List<EventTime> out = new ArrayList<>();
        for (String v : line.substring(colon + 1).split(",")) {
            out.add(parse(v.strip(), zone, orgZone, repairs));
        }
        return out;
    }

    static EventTime parse(String v, ZoneId zone, ZoneId orgZone, List<String> repairs) {
        if (v.length() == 8) {
            return new EventTime.AllDay(LocalDate.parse(v, BASIC_DATE));
        }
        if (v.endsWith("Z")) {
            return new EventTime.Timed(LocalDateTime.parse(v.substring(0, v.length() - 1), BASIC_DATE_TIME)
                    .toInstant(ZoneOffset.UTC), ZoneId.of("UTC"));
        }
        LocalDateTime local = LocalDateTime.parse(v, BASIC_DATE_TIME);
        if (zone == null) {
            repairs.add("floating time " + v + ": read in the org zone " + orgZone);
            zone = orgZone;
        }
        return new EventTime.Timed(local.atZone(zone).toInstant(), zone);
    }
}
