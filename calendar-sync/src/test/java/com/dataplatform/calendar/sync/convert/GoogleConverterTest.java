package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class GoogleConverterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ZoneId ORG = ZoneId.of("Europe/Berlin");

    private static List<Conversion> convert(String json) {
        return GoogleConverter.convert(JSON.readTree(json), ORG);
    }

    @Test
    void converts_a_timed_event_with_normalised_attendees() {
        Conversion c = convert("""
                {"id":"g1","iCalUID":"meet-1@example.com","summary":"  Quarterly   review ","status":"confirmed",
                 "start":{"dateTime":"2026-03-02T10:00:00+01:00","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-03-02T11:00:00+01:00","timeZone":"Europe/Berlin"},
                 "organizer":{"email":"Ann@Example.COM"},
                 "attendees":[{"email":"Bob@example.com","responseStatus":"accepted"},
                              {"email":"bob@example.com ","responseStatus":"accepted"},
                              {"email":"carol@example.com","responseStatus":"tentative"}],
                 "updated":"2026-02-01T08:00:00.000Z","sequence":2,"visibility":"private"}""").get(0);
        assertThat(c.isRejected()).isFalse();
        UnifiedEvent e = c.event();
        assertThat(e.uid()).isEqualTo("meet-1@example.com");
        assertThat(e.title()).isEqualTo("Quarterly review");
        assertThat(e.start()).isEqualTo(new EventTime.Timed(Instant.parse("2026-03-02T09:00:00Z"), ORG));
        assertThat(e.organizer()).isEqualTo("ann@example.com");
        assertThat(e.attendees()).extracting(Attendee::email).containsExactly("bob@example.com", "carol@example.com");
        assertThat(e.attendees().get(1).response()).isEqualTo(Attendee.ResponseStatus.TENTATIVE);
        assertThat(e.visibility()).isEqualTo(UnifiedEvent.Visibility.PRIVATE);
        assertThat(e.sequence()).isEqualTo(2);
        assertThat(c.repairs()).anyMatch(r -> r.contains("whitespace")).anyMatch(r -> r.contains("duplicate attendee"));
    }

    @Test
    void all_day_events_and_recurrence_lines_with_zoned_exdates() {
        UnifiedEvent e = convert("""
                {"id":"g2","iCalUID":"standup@example.com","summary":"Standup",
                 "start":{"dateTime":"2026-03-02T09:00:00+01:00","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-03-02T09:15:00+01:00","timeZone":"Europe/Berlin"},
                 "recurrence":["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10","EXDATE;TZID=Europe/Berlin:20260309T090000"]}""")
                .get(0).event();
        assertThat(e.recurrence().rules()).containsExactly("FREQ=WEEKLY;COUNT=10;BYDAY=MO");
        assertThat(e.recurrence().exdates()).containsExactly(
                new EventTime.Timed(Instant.parse("2026-03-09T08:00:00Z"), ORG));

        UnifiedEvent allDay = convert("""
                {"id":"g3","iCalUID":"holiday@example.com","summary":"Holiday",
                 "start":{"date":"2026-12-24"},"end":{"date":"2026-12-27"}}""").get(0).event();
        assertThat(allDay.start()).isEqualTo(new EventTime.AllDay(LocalDate.of(2026, 12, 24)));
        assertThat(allDay.end()).isEqualTo(new EventTime.AllDay(LocalDate.of(2026, 12, 27)));
    }

    @Test
    void cancelled_and_moved_instances_become_occurrences_of_their_series() {
        List<Conversion> list = convert("""
                {"kind":"calendar#events","items":[
                 {"id":"g2_20260316T080000Z","recurringEventId":"g2","iCalUID":"standup@example.com","status":"cancelled",
                  "originalStartTime":{"dateTime":"2026-03-16T09:00:00+01:00","timeZone":"Europe/Berlin"}},
                 {"id":"g2_20260323T080000Z","recurringEventId":"g2","iCalUID":"standup@example.com","summary":"Standup (moved)",
                  "originalStartTime":{"dateTime":"2026-03-23T09:00:00+01:00","timeZone":"Europe/Berlin"},
                  "start":{"dateTime":"2026-03-23T10:00:00+01:00","timeZone":"Europe/Berlin"},
                  "end":{"dateTime":"2026-03-23T10:15:00+01:00","timeZone":"Europe/Berlin"}}]}""");
        assertThat(list).hasSize(2).noneMatch(Conversion::isRejected);
        assertThat(list.get(0).event().status()).isEqualTo(UnifiedEvent.Status.CANCELLED);
        assertThat(list.get(0).event().recurrenceId())
                .isEqualTo(new EventTime.Timed(Instant.parse("2026-03-16T08:00:00Z"), ORG));
        assertThat(list.get(1).event().recurrenceId().sortKey()).isEqualTo(Instant.parse("2026-03-23T08:00:00Z"));
        assertThat(list.get(1).event().start().sortKey()).isEqualTo(Instant.parse("2026-03-23T09:00:00Z"));
    }

    @Test
    void one_bad_event_in_a_list_is_rejected_with_a_reason_and_the_rest_convert() {
        List<Conversion> list = convert("""
                {"items":[
                 {"id":"ok","iCalUID":"ok@x","start":{"date":"2026-01-01"},"end":{"date":"2026-01-02"}},
                 {"id":"backwards","iCalUID":"b@x","start":{"dateTime":"2026-01-02T10:00:00Z"},"end":{"dateTime":"2026-01-02T09:00:00Z"}},
                 {"id":"garbage","iCalUID":"g@x","start":{"dateTime":"yesterday"}},
                 {"id":"forever","iCalUID":"f@x","start":{"date":"2026-01-01"},"end":{"date":"2036-01-01"}},
                 {"summary":"no id"}]}""");
        assertThat(list).hasSize(5);
        assertThat(list.get(0).isRejected()).isFalse();
        assertThat(list.get(1).rejection()).contains("before start");
        assertThat(list.get(2).rejection()).contains("not a valid Google Calendar event");
        assertThat(list.get(3).rejection()).contains("absurd duration");
        assertThat(list.get(4).rejection()).contains("without id");
    }

    @Test
    void unknown_time_zones_fall_back_to_the_org_zone_and_say_so() {
        Conversion c = convert("""
                {"id":"g9","iCalUID":"tz@x","start":{"dateTime":"2026-05-01T10:00:00Z","timeZone":"Mars/Olympus"},
                 "end":{"dateTime":"2026-05-01T11:00:00Z","timeZone":"Mars/Olympus"}}""").get(0);
        assertThat(((EventTime.Timed) c.event().start()).zone()).isEqualTo(ORG);
        assertThat(c.event().start().sortKey()).isEqualTo(Instant.parse("2026-05-01T10:00:00Z"));
        assertThat(c.repairs()).anyMatch(r -> r.contains("Mars/Olympus"));
    }
}
