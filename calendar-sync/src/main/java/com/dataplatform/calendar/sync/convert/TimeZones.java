package com.dataplatform.calendar.sync.convert;

import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;

/**
 * Time-zone names as the systems send them → IANA ids. Windows names (Microsoft Graph, Outlook exports) are mapped
 * with ICU4J's CLDR data ({@code TimeZone.getIDForWindowsID}), IANA ids pass through; anything else is unknown and
 * the caller falls back to the org's zone, recording a repair.
 */
public final class TimeZones {

    private TimeZones() {
    }

    public static Optional<ZoneId> resolve(String name, List<String> repairs) {
        if (name == null || name.isBlank()) {
            return Optional.empty();
        }
        String n = name.strip();
        if (n.equalsIgnoreCase("UTC") || n.equalsIgnoreCase("Z") || n.equalsIgnoreCase("GMT")) {
            return Optional.of(ZoneId.of("UTC"));
        }
        try {
            return Optional.of(ZoneId.of(n));
        } catch (DateTimeException e) {
            // not an IANA id
        }
        String windows = com.ibm.icu.util.TimeZone.getIDForWindowsID(n, "001");
        if (windows != null) {
            repairs.add("mapped Windows time zone '" + n + "' to " + windows);
            return Optional.of(ZoneId.of(windows));
        }
        // Outlook-style "(UTC+01:00) Amsterdam, Berlin, ..." or quoted ids: try the last path-like token
        String stripped = n.replace("\"", "");
        int slash = stripped.lastIndexOf('/');
        if (slash > 0) {
            for (int i = stripped.lastIndexOf('/', slash - 1); i >= -1; i = i < 0 ? -2 : stripped.lastIndexOf('/', i - 1)) {
                String candidate = stripped.substring(i + 1);
                try {
                    ZoneId zone = ZoneId.of(candidate);
                    repairs.add("read time zone '" + n + "' as " + zone);
                    return Optional.of(zone);
                } catch (DateTimeException e) {
                    if (i < 0) {
                        break;
                    }
                }
            }
        }
        return Optional.empty();
    }
}
