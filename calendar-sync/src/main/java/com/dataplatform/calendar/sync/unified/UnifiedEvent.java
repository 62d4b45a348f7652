package com.dataplatform.calendar.sync.unified;

import java.time.Instant;
import java.util.List;

/**
 * The one schema every calendar system is converted into. A recurring series carries its rules; a changed or
 * cancelled single occurrence is an {@link Override} keyed by its recurrence id (the original start), whatever
 * the source called it (RECURRENCE-ID, Google override / cancelled instance, Graph exception / EXDATE). An event
 * that arrives alone but has a {@code recurrenceId} is such an occurrence of the series with the same uid.
 */
public record UnifiedEvent(
        String uid,
        String sourceId,
        EventTime recurrenceId,
        String title,
        String description,
        String location,
        EventTime start,
        EventTime end,
        Recurrence recurrence,
        List<Override> overrides,
        String organizer,
        List<Attendee> attendees,
        Status status,
        Visibility visibility,
        Instant updatedAt,
        int sequence) {

    public UnifiedEvent {
        overrides = overrides == null ? List.of() : List.copyOf(overrides);
        attendees = attendees == null ? List.of() : List.copyOf(attendees);
    }

    public enum Status { CONFIRMED, TENTATIVE, CANCELLED }

    public enum Visibility { DEFAULT, PUBLIC, PRIVATE, CONFIDENTIAL }

    /**
     * RRULE lines (RFC 5545 text, without the "RRULE:" prefix), extra dates and excluded dates.
     */
    public record Recurrence(List<String> rules, List<EventTime> rdates, List<EventTime> exdates) {
        public Recurrence {
            rules = List.copyOf(rules);
            rdates = rdates == null ? List.of() : List.copyOf(rdates);
            exdates = exdates == null ? List.of() : List.copyOf(exdates);
        }
    }

    /** One occurrence of a series that differs: cancelled, or moved/retitled. */
    public record Override(EventTime recurrenceId, boolean cancelled, EventTime start, EventTime end, String title) {
    }

    public UnifiedEvent withStatus(Status newStatus) {
        return new UnifiedEvent(uid, sourceId, recurrenceId, title, description, location, start, end, recurrence, overrides,
                organizer, attendees, newStatus, visibility, updatedAt, sequence);
    }

    public UnifiedEvent withOverrides(List<Override> newOverrides) {
        return new UnifiedEvent(uid, sourceId, recurrenceId, title, description, location, start, end, recurrence, newOverrides,
                organizer, attendees, status, visibility, updatedAt, sequence);
    }
}
