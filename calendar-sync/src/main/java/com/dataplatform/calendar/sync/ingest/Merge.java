package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Merges two copies of the same meeting (same iCalUID): the newer copy (higher SEQUENCE, then later update time)
 * wins every field it has; fields only the older copy has are kept; attendees and occurrence overrides are united
 * (the newer copy's response / override wins).
 */
public final class Merge {

    private Merge() {
    }

    public static boolean isNewer(UnifiedEvent candidate, UnifiedEvent than) {
        if (candidate.sequence() != than.sequence()) {
            return candidate.sequence() > than.sequence();
        }
        Instant a = candidate.updatedAt();
        Instant b = than.updatedAt();
        return a != null && (b == null || a.isAfter(b));
    }

    public static UnifiedEvent merge(UnifiedEvent existing, UnifiedEvent incoming) {
        boolean incomingWins = isNewer(incoming, existing);
        UnifiedEvent n = incomingWins ? incoming : existing;
        UnifiedEvent o = incomingWins ? existing : incoming;
        Map<String, Attendee> attendees = new LinkedHashMap<>();
        o.attendees().forEach(a -> attendees.put(a.email(), a));
        n.attendees().forEach(a -> attendees.put(a.email(), a));
        Map<String, UnifiedEvent.Override> overrides = new LinkedHashMap<>();
        o.overrides().forEach(x -> overrides.put(EventStore.recurrenceKey(x.recurrenceId()), x));
        n.overrides().forEach(x -> overrides.put(EventStore.recurrenceKey(x.recurrenceId()), x));
        return new UnifiedEvent(n.uid(), n.sourceId(), n.recurrenceId() != null ? n.recurrenceId() : o.recurrenceId(),
                pick(n.title(), o.title()), pick(n.description(), o.description()), pick(n.location(), o.location()),
                pick(n.start(), o.start()), pick(n.end(), o.end()), pick(n.recurrence(), o.recurrence()),
                new ArrayList<>(overrides.values()), pick(n.organizer(), o.organizer()), List.copyOf(attendees.values()),
                pick(n.status(), o.status()), pick(n.visibility(), o.visibility()), pick(n.updatedAt(), o.updatedAt()),
                Math.max(n.sequence(), o.sequence()));
    }

    public static UnifiedEvent withUid(UnifiedEvent e, String uid) {
        return new UnifiedEvent(uid, e.sourceId(), e.recurrenceId(), e.title(), e.description(), e.location(), e.start(),
                e.end(), e.recurrence(), e.overrides(), e.organizer(), e.attendees(), e.status(), e.visibility(),
                e.updatedAt(), e.sequence());
    }

    private static <T> T pick(T preferred, T fallback) {
        return preferred != null ? preferred : fallback;
    }
}
