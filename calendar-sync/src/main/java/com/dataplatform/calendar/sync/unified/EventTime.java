package com.dataplatform.calendar.sync.unified;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/** When an event starts or ends: an instant with the IANA zone it was scheduled in, or an all-day date. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = EventTime.Timed.class, name = "timed"),
        @JsonSubTypes.Type(value = EventTime.AllDay.class, name = "allDay")})
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
    @com.fasterxml.jackson.annotation.JsonIgnore
    default Instant sortKey() {
        if (this instanceof Timed t) {
            return t.instant();
        }
        return ((AllDay) this).date().atStartOfDay(ZoneId.of("UTC")).toInstant();
    }
}
