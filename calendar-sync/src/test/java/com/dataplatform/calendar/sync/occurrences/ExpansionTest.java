package com.dataplatform.calendar.sync.occurrences;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** RRULE expansion on RFC 5545's own examples, across DST, with EXDATE (TZID) and RECURRENCE-ID overrides. */
class ExpansionTest {

    private static final Instant FAR_FROM = Instant.parse("1997-01-01T00:00:00Z");
    private static final Instant FAR_TO = Instant.parse("1999-01-01T00:00:00Z");

    private static UnifiedEvent ny(String rule, String start) {
        String ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:t\nBEGIN:VEVENT\nUID:x@rfc\nDTSTAMP:19970901T000000Z\n"
                + "DTSTART;TZID=America/New_York:" + start + "\nDURATION:PT1H\nRRULE:" + rule
                + "\nEND:VEVENT\nEND:VCALENDAR\n").replace("\n", "\r\n");
        return ICalendarConverter.convert(ics, ZoneId.of("UTC")).events().get(0).event();
    }

    private static List<Instant> starts(UnifiedEvent e, Instant from, Instant to, int cap) {
        return Expansion.expand(e, from, to, cap).occurrences().stream().map(Expansion.Occurrence::start).toList();
    }

    @Test
    void rfc5545_daily_for_10_occurrences() {
        List<Instant> s = starts(ny("FREQ=DAILY;COUNT=10", "19970902T090000"), FAR_FROM, FAR_TO, 1000);
        assertThat(s).hasSize(10);
        assertThat(s.get(0)).isEqualTo(Instant.parse("1997-09-02T13:00:00Z"));
        assertThat(s.get(9)).isEqualTo(Instant.parse("1997-09-11T13:00:00Z"));
    }

    @Test
    void rfc5545_every_other_week_mon_wed_fri_until_dec_24_is_25_occurrences_across_the_dst_end() {
        List<Instant> s = starts(ny("FREQ=WEEKLY;INTERVAL=2;UNTIL=19971224T000000Z;WKST=SU;BYDAY=MO,WE,FR",
                "19970901T090000"), FAR_FROM, FAR_TO, 1000);
        assertThat(s).hasSize(25);
        assertThat(s.get(0)).isEqualTo(Instant.parse("1997-09-01T13:00:00Z")); // EDT
        assertThat(s.get(24)).isEqualTo(Instant.parse("1997-12-22T14:00:00Z")); // EST: still 09:00 local
    }

    @Test
    void rfc5545_monthly_on_the_first_friday_for_10_occurrences() {
        List<Instant> s = starts(ny("FREQ=MONTHLY;COUNT=10;BYDAY=1FR", "19970905T090000"), FAR_FROM, FAR_TO, 1000);
        assertThat(s).hasSize(10);
        assertThat(s.get(1)).isEqualTo(Instant.parse("1997-10-03T13:00:00Z"));
        assertThat(s.get(2)).isEqualTo(Instant.parse("1997-11-07T14:00:00Z"));
    }

    @Test
    void exdates_with_tzid_and_overrides_by_recurrence_id_shape_the_series() {
        UnifiedEvent e = ICalendarConverter.convert(com.dataplatform.calendar.sync.convert.RoundTripTestData.ICS,
                ZoneId.of("UTC")).events().get(0).event();
        List<Expansion.Occurrence> o = Expansion.expand(e, Instant.parse("2026-03-01T00:00:00Z"),
                Instant.parse("2026-03-28T00:00:00Z"), 100).occurrences();
        List<Instant> s = o.stream().map(Expansion.Occurrence::start).toList();
        // Mo/We from Mar 2, 09:00 New York; Mar 11 excluded, Mar 16 moved to 14:00, Mar 23 cancelled
        assertThat(s).containsExactly(Instant.parse("2026-03-02T14:00:00Z"), Instant.parse("2026-03-04T14:00:00Z"),
                Instant.parse("2026-03-09T13:00:00Z"), Instant.parse("2026-03-16T18:00:00Z"),
                Instant.parse("2026-03-18T13:00:00Z"), Instant.parse("2026-03-25T13:00:00Z"));
        assertThat(o.get(3).recurrenceId()).isEqualTo(Instant.parse("2026-03-16T13:00:00Z"));
    }

    @Test
    void an_endless_daily_series_is_capped_not_hung() {
        UnifiedEvent e = ny("FREQ=DAILY", "20200101T090000");
        Expansion.Expanded x = Expansion.expand(e, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T00:00:00Z"), 500);
        assertThat(x.truncated()).isTrue();
        assertThat(x.occurrences()).hasSize(500);
        Expansion.Expanded all = Expansion.expand(e, Instant.parse("2020-01-01T00:00:00Z"),
                Instant.parse("2030-01-01T00:00:00Z"), 5000);
        assertThat(all.truncated()).isFalse();
        assertThat(all.occurrences()).hasSize(3653);
    }

    @Test
    void a_window_in_the_middle_sees_only_its_occurrences_including_one_that_started_before() {
        UnifiedEvent e = ny("FREQ=DAILY;COUNT=5", "19970902T090000");
        assertThat(starts(e, Instant.parse("1997-09-03T13:30:00Z"), Instant.parse("1997-09-05T00:00:00Z"), 10))
                .containsExactly(Instant.parse("1997-09-03T13:00:00Z"), Instant.parse("1997-09-04T13:00:00Z"));
    }
}
