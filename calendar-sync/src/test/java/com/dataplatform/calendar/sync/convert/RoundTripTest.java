package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

/** system → unified → system → unified is stable for each schema, incl. recurrence, overrides, all-day, zones. */
class RoundTripTest {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final ZoneId ORG = ZoneId.of("Europe/Berlin");

    static final String ICS = RoundTripTestData.ICS;

    private static List<UnifiedEvent> readIcs(String text) {
        ICalendarConverter.Result r = ICalendarConverter.convert(text, ORG);
        assertThat(r.rejection()).isNull();
        r.events().forEach(c -> assertThat(c.repairs()).as(c.sourceId()).noneMatch(x -> x.contains("leniently")));
        return r.events().stream().map(Conversion::event).toList();
    }

    private static List<UnifiedEvent> readGoogle(String json) {
        return Occurrences.fold(GoogleConverter.convert(JSON.readTree(json), ORG).stream().map(c -> {
            assertThat(c.isRejected()).as(c.rejection()).isFalse();
            return c.event();
        }).toList());
    }

    private static List<UnifiedEvent> readGraph(String json) {
        return Occurrences.fold(GraphConverter.convert(JSON.readTree(json), ORG).stream().map(c -> {
            assertThat(c.isRejected()).as(c.rejection()).isFalse();
            return c.event();
        }).toList());
    }

    private static List<UnifiedEvent> again(List<UnifiedEvent> events, Function<UnifiedEvent, Rendered> write,
            Function<String, List<UnifiedEvent>> read) {
        return events.stream().flatMap(e -> read.apply(write.apply(e).payload()).stream()).toList();
    }

    @Test
    void icalendar_round_trip_keeps_series_overrides_exdates_all_day_and_zones() {
        List<UnifiedEvent> first = readIcs(ICS);
        assertThat(first).hasSize(3);
        assertThat(first.get(0).overrides()).hasSize(2);
        List<UnifiedEvent> second = again(first, e -> ICalendarWriter.write(e, Map.of()), RoundTripTest::readIcs);
        assertThat(second).isEqualTo(first);
        assertThat(again(second, e -> ICalendarWriter.write(e, Map.of()), RoundTripTest::readIcs)).isEqualTo(first);
    }

    @Test
    void icalendar_output_carries_tzid_vtimezone_and_our_marker() {
        String text = ICalendarWriter.write(readIcs(ICS).get(0), Map.of("X-DATAPLATFORM-ID", "abc")).payload();
        assertThat(text).contains("DTSTART;TZID=America/New_York:20260302T090000", "BEGIN:VTIMEZONE",
                "TZID:America/New_York", "EXDATE;TZID=America/New_York:20260311T090000", "X-DATAPLATFORM-ID:abc",
                "RECURRENCE-ID;TZID=America/New_York:20260316T090000");
    }

    static final String GOOGLE = """
            {"items":[
             {"id":"s1","iCalUID":"series@example.com","summary":"Planning","status":"confirmed",
              "start":{"dateTime":"2026-03-02T10:00:00+01:00","timeZone":"Europe/Berlin"},
              "end":{"dateTime":"2026-03-02T11:00:00+01:00","timeZone":"Europe/Berlin"},
              "recurrence":["RRULE:FREQ=WEEKLY;BYDAY=MO;COUNT=10","EXDATE;TZID=Europe/Berlin:20260309T100000"],
              "organizer":{"email":"ann@example.com"},
              "attendees":[{"email":"bob@example.com","responseStatus":"declined"},
                           {"email":"dan@example.com","displayName":"Dan","responseStatus":"needsAction"}],
              "updated":"2026-02-01T08:00:00.123Z","sequence":1,"visibility":"public"},
             {"id":"s1_20260316T090000Z","iCalUID":"series@example.com","recurringEventId":"s1","status":"cancelled",
              "originalStartTime":{"dateTime":"2026-03-16T10:00:00+01:00","timeZone":"Europe/Berlin"}},
             {"id":"s1_20260330T080000Z","iCalUID":"series@example.com","recurringEventId":"s1","status":"confirmed",
              "summary":"Planning (late)",
              "originalStartTime":{"dateTime":"2026-03-30T10:00:00+02:00","timeZone":"Europe/Berlin"},
              "start":{"dateTime":"2026-03-30T15:00:00+02:00","timeZone":"Europe/Berlin"},
              "end":{"dateTime":"2026-03-30T16:00:00+02:00","timeZone":"Europe/Berlin"}},
             {"id":"d1","iCalUID":"day@example.com","summary":"Offsite","start":{"date":"2026-05-04"},
              "end":{"date":"2026-05-06"},"updated":"2026-02-01T08:00:00Z"}]}""";

    @Test
    void google_round_trip_keeps_instances_cancellations_and_all_day() {
        List<UnifiedEvent> first = readGoogle(GOOGLE);
        assertThat(first).hasSize(2);
        assertThat(first.get(0).overrides()).extracting(UnifiedEvent.Override::cancelled).containsExactly(true, false);
        List<UnifiedEvent> second = again(first, e -> GoogleWriter.write(e, Map.of()), RoundTripTest::readGoogle);
        assertThat(second).isEqualTo(first);
        assertThat(again(second, e -> GoogleWriter.write(e, Map.of()), RoundTripTest::readGoogle)).isEqualTo(first);
    }

    static final String GRAPH = """
            {"value":[
             {"id":"m1","iCalUId":"graph-series@example.com","type":"seriesMaster","subject":"1:1",
              "body":{"contentType":"text","content":"Agenda"},"location":{"displayName":"Teams"},
              "start":{"dateTime":"2026-01-05T09:00:00.0000000","timeZone":"W. Europe Standard Time"},
              "end":{"dateTime":"2026-01-05T09:30:00.0000000","timeZone":"W. Europe Standard Time"},
              "recurrence":{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["tuesday"],"index":"second"},
                            "range":{"type":"endDate","startDate":"2026-01-05","endDate":"2026-12-31"}},
              "organizer":{"emailAddress":{"address":"ann@example.com"}},
              "attendees":[{"emailAddress":{"address":"bob@example.com","name":"Bob"},"status":{"response":"tentativelyAccepted"}}],
              "sensitivity":"confidential","lastModifiedDateTime":"2026-01-01T10:00:00Z"},
             {"id":"x1","iCalUId":"graph-series@example.com","seriesMasterId":"m1","type":"exception",
              "originalStart":"2026-02-10T08:00:00Z","subject":"1:1 moved",
              "start":{"dateTime":"2026-02-11T09:00:00.0000000","timeZone":"W. Europe Standard Time"},
              "end":{"dateTime":"2026-02-11T09:30:00.0000000","timeZone":"W. Europe Standard Time"}},
             {"id":"w1","iCalUId":"weekly-graph@example.com","type":"seriesMaster","subject":"Gym",
              "start":{"dateTime":"2026-01-06T18:00:00.0000000","timeZone":"Pacific Standard Time"},
              "end":{"dateTime":"2026-01-06T19:00:00.0000000","timeZone":"Pacific Standard Time"},
              "recurrence":{"pattern":{"type":"weekly","interval":2,"daysOfWeek":["tuesday","thursday"],
                                       "firstDayOfWeek":"monday"},
                            "range":{"type":"numbered","startDate":"2026-01-06","numberOfOccurrences":8}}},
             {"id":"a1","iCalUId":"allday-graph@example.com","type":"singleInstance","subject":"Holiday","isAllDay":true,
              "start":{"dateTime":"2026-04-03T00:00:00.0000000","timeZone":"UTC"},
              "end":{"dateTime":"2026-04-04T00:00:00.0000000","timeZone":"UTC"}}]}""";

    @Test
    void graph_round_trip_keeps_patterns_exceptions_windows_zones_and_all_day() {
        List<UnifiedEvent> first = readGraph(GRAPH);
        assertThat(first).hasSize(3);
        assertThat(first.get(0).recurrence().rules()).containsExactly("FREQ=MONTHLY;UNTIL=20261231T225959Z;BYDAY=TU;BYSETPOS=2");
        List<UnifiedEvent> second = again(first, e -> GraphWriter.write(e, Map.of()), RoundTripTest::readGraph);
        assertThat(second).isEqualTo(first);
        String written = GraphWriter.write(first.get(1), Map.of()).payload();
        assertThat(written).contains("\"timeZone\":\"Pacific Standard Time\"", "\"firstDayOfWeek\":\"monday\"");
    }

    @Test
    void icalendar_to_graph_keeps_instants_and_turns_exdates_into_cancelled_exceptions() {
        UnifiedEvent series = readIcs(ICS).get(0);
        Rendered graph = GraphWriter.write(series, Map.of());
        assertThat(graph.payload()).contains("\"timeZone\":\"Eastern Standard Time\"");
        UnifiedEvent back = readGraph(graph.payload()).get(0);
        assertThat(back.start()).isEqualTo(series.start());
        assertThat(back.end()).isEqualTo(series.end());
        assertThat(back.recurrence().rules()).containsExactly("FREQ=WEEKLY;UNTIL=20260430T035959Z;BYDAY=MO,WE");
        assertThat(back.overrides()).hasSize(3)
                .anySatisfy(o -> assertThat(o.recurrenceId().sortKey()).isEqualTo(Instant.parse("2026-03-11T13:00:00Z")))
                .filteredOn(o -> !o.cancelled()).singleElement()
                .satisfies(o -> assertThat(o.title()).isEqualTo("Standup (moved)"));
        assertThat(back.attendees()).isEqualTo(series.attendees().stream()
                .map(a -> new com.dataplatform.calendar.sync.unified.Attendee(a.email(), a.name(), a.response())).toList());
    }

    @Test
    void google_to_icalendar_keeps_the_meeting() {
        UnifiedEvent series = readGoogle(GOOGLE).get(0);
        UnifiedEvent back = readIcs(ICalendarWriter.write(series, Map.of()).payload()).get(0);
        assertThat(back.start()).isEqualTo(series.start());
        assertThat(back.recurrence()).isEqualTo(series.recurrence());
        assertThat(back.overrides()).isEqualTo(series.overrides());
        UnifiedEvent allDay = readGoogle(GOOGLE).get(1);
        assertThat(readIcs(ICalendarWriter.write(allDay, Map.of()).payload()).get(0).start())
                .isEqualTo(new EventTime.AllDay(LocalDate.of(2026, 5, 4)));
    }

    @Test
    void rules_graph_cannot_express_are_refused_with_a_reason() {
        UnifiedEvent hourly = readIcs(ICS).get(0);
        UnifiedEvent bad = new UnifiedEvent(hourly.uid(), hourly.sourceId(), null, hourly.title(), null, null,
                hourly.start(), hourly.end(), new UnifiedEvent.Recurrence(List.of("FREQ=HOURLY;COUNT=3"), List.of(), List.of()),
                List.of(), null, List.of(), UnifiedEvent.Status.CONFIRMED, UnifiedEvent.Visibility.DEFAULT, null, 0);
        assertThatThrownBy(() -> GraphWriter.write(bad, Map.of())).hasMessageContaining("FREQ=HOURLY");
    }
}
