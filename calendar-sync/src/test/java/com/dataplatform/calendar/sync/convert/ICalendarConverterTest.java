package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

class ICalendarConverterTest {

    private static final ZoneId ORG = ZoneId.of("Europe/Berlin");

    @Test
    void recurrence_ids_attach_to_their_series_as_overrides_and_exdates_keep_their_zone() {
        String ics = """
                BEGIN:VCALENDAR
                VERSION:2.0
                PRODID:-//test//EN
                BEGIN:VEVENT
                UID:weekly@example.com
                DTSTAMP:20260101T000000Z
                DTSTART;TZID=America/New_York:20260105T090000
                DTEND;TZID=America/New_York:20260105T100000
                RRULE:FREQ=WEEKLY;COUNT=5
                EXDATE;TZID=America/New_York:20260112T090000
                SUMMARY:Weekly
                ORGANIZER:mailto:Boss@Example.com
                ATTENDEE;CN=Dee;PARTSTAT=ACCEPTED:mailto:dee@example.com
                END:VEVENT
                BEGIN:VEVENT
                UID:weekly@example.com
                DTSTAMP:20260101T000000Z
                RECURRENCE-ID;TZID=America/New_York:20260119T090000
                DTSTART;TZID=America/New_York:20260119T140000
                DTEND;TZID=America/New_York:20260119T150000
                SUMMARY:Weekly (afternoon)
                END:VEVENT
                END:VCALENDAR
                """.replace("\n", "\r\n");
        ICalendarConverter.Result result = ICalendarConverter.convert(ics, ORG);
        assertThat(result.rejection()).isNull();
        assertThat(result.events()).hasSize(1);
        UnifiedEvent e = result.events().get(0).event();
        ZoneId ny = ZoneId.of("America/New_York");
        assertThat(e.start()).isEqualTo(new EventTime.Timed(Instant.parse("2026-01-05T14:00:00Z"), ny));
        assertThat(e.recurrence().rules()).containsExactly("FREQ=WEEKLY;COUNT=5");
        assertThat(e.recurrence().exdates()).containsExactly(new EventTime.Timed(Instant.parse("2026-01-12T14:00:00Z"), ny));
        assertThat(e.overrides()).hasSize(1);
        assertThat(e.overrides().get(0).recurrenceId().sortKey()).isEqualTo(Instant.parse("2026-01-19T14:00:00Z"));
        assertThat(e.overrides().get(0).start().sortKey()).isEqualTo(Instant.parse("2026-01-19T19:00:00Z"));
        assertThat(e.organizer()).isEqualTo("boss@example.com");
        assertThat(e.attendees().get(0).email()).isEqualTo("dee@example.com");
    }

    @Test
    void garbage_is_rejected_as_a_whole_with_the_parsers_reason() {
        ICalendarConverter.Result result = ICalendarConverter.convert("this is not a calendar", ORG);
        assertThat(result.rejection()).startsWith("not valid iCalendar");
        assertThat(result.events()).isEmpty();
    }

    @Test
    void floating_times_are_read_in_the_org_zone_and_missing_uids_are_generated_deterministically() {
        String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nDTSTAMP:20260101T000000Z\r\n"
                + "DTSTART:20260601T100000\r\nDURATION:PT45M\r\nSUMMARY:Floating\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        UnifiedEvent first = ICalendarConverter.convert(ics, ORG).events().get(0).event();
        UnifiedEvent again = ICalendarConverter.convert(ics, ORG).events().get(0).event();
        assertThat(first.start()).isEqualTo(new EventTime.Timed(Instant.parse("2026-06-01T08:00:00Z"), ORG));
        assertThat(first.end().sortKey()).isEqualTo(Instant.parse("2026-06-01T08:45:00Z"));
        assertThat(first.uid()).startsWith("generated-").isEqualTo(again.uid());
    }
}
