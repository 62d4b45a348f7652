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

    /**
     * Replays on {@code state} what a copy that contains more than its own view of the event (the master's, which
     * holds the event as we wrote it there, merged copies and all) changed against the event as it stood when it was
     * merged in ({@code base}), the way {@link #merge} applied it: if that copy won ({@code wins}, it was newer),
     * every field it has that differs from base, and every attendee and override it has that base has not or has
     * otherwise; if it lost, only the fields base lacked and the attendees and overrides base lacked. Whatever the
     * copy merely repeats from base — other merged copies' contributions among them — is not applied.
     */
    public static UnifiedEvent applyEdit(UnifiedEvent state, UnifiedEvent base, UnifiedEvent edited, boolean wins) {
        Map<String, Attendee> baseAttendees = new LinkedHashMap<>();
        base.attendees().forEach(a -> baseAttendees.put(a.email(), a));
        Map<String, Attendee> attendees = new LinkedHashMap<>();
        state.attendees().forEach(a -> attendees.put(a.email(), a));
        for (Attendee a : edited.attendees()) {
            Attendee was = baseAttendees.get(a.email());
            if (was == null || (wins && !was.equals(a))) {
                attendees.put(a.email(), a);
            }
        }
        Map<String, UnifiedEvent.Override> baseOverrides = new LinkedHashMap<>();
        base.overrides().forEach(x -> baseOverrides.put(EventStore.recurrenceKey(x.recurrenceId()), x));
        Map<String, UnifiedEvent.Override> overrides = new LinkedHashMap<>();
        state.overrides().forEach(x -> overrides.put(EventStore.recurrenceKey(x.recurrenceId()), x));
        for (UnifiedEvent.Override x : edited.overrides()) {
            String key = EventStore.recurrenceKey(x.recurrenceId());
            UnifiedEvent.Override was = baseOverrides.get(key);
            if (was == null || (wins && !was.equals(x))) {
                overrides.put(key, x);
            }
        }
        return new UnifiedEvent(state.uid(), state.sourceId(), state.recurrenceId(),
                edit(state.title(), base.title(), edited.title(), wins),
                edit(state.description(), base.description(), edited.description(), wins),
                edit(state.location(), base.location(), edited.location(), wins),
                edit(state.start(), base.start(), edited.start(), wins), edit(state.end(), base.end(), edited.end(), wins),
                edit(state.recurrence(), base.recurrence(), edited.recurrence(), wins), new ArrayList<>(overrides.values()),
                edit(state.organizer(), base.organizer(), edited.organizer(), wins), List.copyOf(attendees.values()),
                edit(state.status(), base.status(), edited.status(), wins),
                edit(state.visibility(), base.visibility(), edited.visibility(), wins),
                edit(state.updatedAt(), base.updatedAt(), edited.updatedAt(), wins),
                Math.max(state.sequence(), edited.sequence()));
    }

    /** The edited value if the merge took it from the edited copy and it is not merely base's value again. */
    private static <T> T edit(T state, T base, T edited, boolean wins) {
        if (edited == null || edited.equals(base)) {
            return state;
        }
        return wins || base == null ? edited : state;
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
