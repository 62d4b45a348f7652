package com.dataplatform.calendar.sync.unified;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/** When an event starts or ends: an instant with the IANA zone it was scheduled in, or an all-day date. */
public sealed interface EventTime {

    /** A moment in time, scheduled in {@code zone} (IANA id; UTC when the source gave none). */
    record Timed(Instant instant, ZoneId zone) implements EventTime {
        public Timed {
            Objects.requireNonNull(instant, "instant");
            Objects.requireNonNull(zone, "zone");
        }
    }

    /** A whole day, no time zone (RFC 5545 VALUE=DATE, Google {@code date}, Graph {@code isAllDay}). */
    record AllDay(LocalDate date) implements EventTime {
        public AllDay {
            Objects.requireNonNull(date, "date");
        }
    }

    /** Comparable position on the time line; all-day dates count from midnight UTC. */
    default Instant sortKey() {
        if (this instanceof Timed t) {
            return t.instant();
        }
        return ((AllDay) this).date().atStartOfDay(ZoneId.of("UTC")).toInstant();
    }
}
