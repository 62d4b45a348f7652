package com.dataplatform.calendar.sync.system;

import java.time.ZoneId;
import java.util.UUID;

/** A calendar system an org runs; exactly one per org may be the master. */
public record CalendarSystem(UUID id, String org, Type type, String name, boolean master, String baseUrl,
        String username, ZoneId timeZone) {

    /** The schemas the service speaks. */
    public enum Type {
        CALDAV, GOOGLE, GRAPH;

        public String wire() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
