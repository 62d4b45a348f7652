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

class GraphConverterTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ZoneId ORG = ZoneId.of("Europe/Berlin");

    private static List<Conversion> convert(String json) {
        return GraphConverter.convert(JSON.readTree(json), ORG);
    }

    @Test
    void windows_time_zone_names_map_to_iana_through_cldr() {
        Conversion c = convert("""
                {"id":"AAMk1","iCalUId":"040000008200E00074C5B7101A82E008","subject":"Planning","type":"singleInstance",
                 "start":{"dateTime":"2026-01-15T10:00:00.0000000","timeZone":"Pacific Standard Time"},
                 "end":{"dateTime":"2026-01-15T11:30:00.0000000","timeZone":"Pacific Standard Time"},
                 "organizer":{"emailAddress":{"name":"Ann","address":"ANN@contoso.com"}},
                 "attendees":[{"emailAddress":{"address":"bob@contoso.com"},"status":{"response":"tentativelyAccepted"}}],
                 "body":{"contentType":"html","content":"<p>Agenda&nbsp;inside</p>"},
                 "sensitivity":"private","lastModifiedDateTime":"2026-01-10T12:00:00Z"}""").get(0);
        UnifiedEvent e = c.event();
        assertThat(e.start()).isEqualTo(new EventTime.Timed(Instant.parse("2026-01-15T18:00:00Z"),
                ZoneId.of("America/Los_Angeles")));
        assertThat(e.end().sortKey()).isEqualTo(Instant.parse("2026-01-15T19:30:00Z"));
        assertThat(e.organizer()).isEqualTo("ann@contoso.com");
        assertThat(e.attendees().get(0).response()).isEqualTo(Attendee.ResponseStatus.TENTATIVE);
        assertThat(e.description()).isEqualTo("Agenda inside");
        assertThat(e.visibility()).isEqualTo(UnifiedEvent.Visibility.PRIVATE);
        assertThat(c.repairs()).anyMatch(r -> r.contains("Pacific Standard Time") && r.contains("America/Los_Angeles"));
    }

    @Test
    void series_master_patterns_become_rrules() {
        assertThat(rule("""
                {"pattern":{"type":"weekly","interval":2,"daysOfWeek":["monday","wednesday"],"firstDayOfWeek":"sunday"},
                 "range":{"type":"numbered","startDate":"2026-01-05","numberOfOccurrences":8}}"""))
                .isEqualTo("FREQ=WEEKLY;WKST=SU;COUNT=8;INTERVAL=2;BYDAY=MO,WE");
        assertThat(rule("""
                {"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["thursday"],"index":"last"},
                 "range":{"type":"noEnd","startDate":"2026-01-05"}}"""))
                .isEqualTo("FREQ=MONTHLY;BYDAY=TH;BYSETPOS=-1");
        assertThat(rule("""
                {"pattern":{"type":"absoluteYearly","interval":1,"month":3,"dayOfMonth":14},
                 "range":{"type":"endDate","startDate":"2026-03-14","endDate":"2030-03-14"}}"""))
                .isEqualTo("FREQ=YEARLY;UNTIL=20300314T225959Z;BYMONTH=3;BYMONTHDAY=14");
    }

    private static String rule(String recurrence) {
        UnifiedEvent e = convert("""
                {"id":"m1","iCalUId":"series@x","type":"seriesMaster","subject":"S",
                 "start":{"dateTime":"2026-01-05T09:00:00.0000000","timeZone":"W. Europe Standard Time"},
                 "end":{"dateTime":"2026-01-05T09:30:00.0000000","timeZone":"W. Europe Standard Time"},
                 "recurrence":%s}""".formatted(recurrence)).get(0).event();
        return e.recurrence().rules().get(0);
    }

    @Test
    void exceptions_and_cancelled_occurrences_point_at_their_original_start() {
        List<Conversion> list = convert("""
                {"value":[
                 {"id":"o1","iCalUId":"series@x","type":"exception","seriesMasterId":"m1","subject":"Moved",
                  "originalStart":"2026-01-12T08:00:00Z",
                  "start":{"dateTime":"2026-01-12T11:00:00.0000000","timeZone":"W. Europe Standard Time"},
                  "end":{"dateTime":"2026-01-12T11:30:00.0000000","timeZone":"W. Europe Standard Time"}},
                 {"id":"o2","iCalUId":"series@x","type":"occurrence","seriesMasterId":"m1","isCancelled":true,
                  "originalStart":"2026-01-19T08:00:00Z",
                  "start":{"dateTime":"2026-01-19T09:00:00.0000000","timeZone":"W. Europe Standard Time"},
                  "end":{"dateTime":"2026-01-19T09:30:00.0000000","timeZone":"W. Europe Standard Time"}},
                 {"id":"ad","iCalUId":"allday@x","isAllDay":true,
                  "start":{"dateTime":"2026-02-01T00:00:00.0000000","timeZone":"UTC"},
                  "end":{"dateTime":"2026-02-02T00:00:00.0000000","timeZone":"UTC"}},
                 {"id":"bad","iCalUId":"bad@x","recurrence":{"pattern":{"type":"fortnightlyish"}},
                  "start":{"dateTime":"2026-02-01T00:00:00","timeZone":"UTC"},
                  "end":{"dateTime":"2026-02-01T01:00:00","timeZone":"UTC"}}]}""");
        assertThat(list.get(0).event().recurrenceId().sortKey()).isEqualTo(Instant.parse("2026-01-12T08:00:00Z"));
        assertThat(list.get(0).event().start().sortKey()).isEqualTo(Instant.parse("2026-01-12T10:00:00Z"));
        assertThat(list.get(1).event().status()).isEqualTo(UnifiedEvent.Status.CANCELLED);
        assertThat(list.get(2).event().start()).isEqualTo(new EventTime.AllDay(LocalDate.of(2026, 2, 1)));
        assertThat(list.get(3).rejection()).contains("fortnightlyish");
    }
}
