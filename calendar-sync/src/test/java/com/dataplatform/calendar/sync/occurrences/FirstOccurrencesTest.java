package com.dataplatform.calendar.sync.occurrences;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** A truncated window answer holds the FIRST N occurrences of all events, whatever order the events come in. */
class FirstOccurrencesTest {

    private static final Instant FROM = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant TO = Instant.parse("2026-01-11T00:00:00Z");

    private static OccurrencesController.Stored event(String uid, String dtstart, String rule) {
        String ics = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:t\nBEGIN:VEVENT\nUID:" + uid + "\nDTSTAMP:20200101T000000Z\n"
                + "DTSTART:" + dtstart + "\nDURATION:PT30M\n" + (rule == null ? "" : "RRULE:" + rule + "\n")
                + "SUMMARY:" + uid + "\nEND:VEVENT\nEND:VCALENDAR\n").replace("\n", "\r\n");
        UnifiedEvent e = ICalendarConverter.convert(ics, ZoneId.of("UTC")).events().get(0).event();
        return new OccurrencesController.Stored(UUID.nameUUIDFromBytes(uid.getBytes()), e);
    }

    private static List<String> starts(OccurrencesController.Listing l) {
        return l.occurrences().stream().map(m -> m.get("iCalUID") + "@" + m.get("start")).toList();
    }

    @Test
    void an_early_occurrence_of_an_event_listed_after_a_cap_filling_series_is_kept() {
        // listed by first start, as the database returns them: daily since 2020, yearly since 2024, weekly (Thursdays) since 2025
        List<OccurrencesController.Stored> events = List.of(
                event("daily", "20200101T090000Z", "FREQ=DAILY"),
                event("yearly", "20240105T120000Z", "FREQ=YEARLY"),
                event("weekly", "20250102T070000Z", "FREQ=WEEKLY"));

        OccurrencesController.Listing l = OccurrencesController.firstOccurrences(events, FROM, TO, 3);

        assertThat(l.truncated()).isTrue();
        assertThat(starts(l)).containsExactly("weekly@2026-01-01T07:00:00Z", "daily@2026-01-01T09:00:00Z",
                "daily@2026-01-02T09:00:00Z");
    }

    @Test
    void the_first_n_equal_the_head_of_the_full_sorted_answer_for_any_event_order() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        List<OccurrencesController.Stored> events = new java.util.ArrayList<>();
        for (int i = 0; i < 12; i++) {
            String start = "2025" + String.format("%02d%02d", 1 + random.nextInt(12), 1 + random.nextInt(28))
                    + String.format("T%02d%02d00Z", random.nextInt(24), 15 * random.nextInt(4));
            String rule = switch (random.nextInt(4)) {
                case 0 -> null;
                case 1 -> "FREQ=DAILY";
                case 2 -> "FREQ=WEEKLY;BYDAY=MO,TH";
                default -> "FREQ=HOURLY;INTERVAL=" + (5 + random.nextInt(20));
            };
            events.add(event("e" + i, rule == null ? "20260105T" + String.format("%02d", i) + "0000Z" : start, rule));
        }
        java.util.Collections.shuffle(events, random);
        List<String> all = starts(OccurrencesController.firstOccurrences(events, FROM, TO, 100_000));
        for (int cap : new int[] {1, 5, 17, 40}) {
            OccurrencesController.Listing l = OccurrencesController.firstOccurrences(events, FROM, TO, cap);
            assertThat(starts(l)).as("seed %d, cap %d", seed, cap).isEqualTo(all.subList(0, Math.min(cap, all.size())));
            assertThat(l.truncated()).as("seed %d, cap %d", seed, cap).isEqualTo(all.size() > cap);
        }
    }

    @Test
    void a_window_holding_exactly_cap_occurrences_is_not_reported_truncated() {
        OccurrencesController.Stored allDay = new OccurrencesController.Stored(UUID.randomUUID(),
                ICalendarConverter.convert(("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:t\nBEGIN:VEVENT\nUID:d\n"
                        + "DTSTAMP:20200101T000000Z\nDTSTART;VALUE=DATE:20250101\nRRULE:FREQ=DAILY\nSUMMARY:d\n"
                        + "END:VEVENT\nEND:VCALENDAR\n").replace("\n", "\r\n"), ZoneId.of("UTC")).events().get(0).event());
        Expansion.Expanded x = Expansion.expand(allDay.event(), FROM, TO, 10);
        assertThat(x.occurrences()).hasSize(10);
        assertThat(x.truncated()).isFalse();
        assertThat(Expansion.expand(allDay.event(), FROM, TO, 9).truncated()).isTrue();
        assertThat(Expansion.expand(allDay.event(), FROM, TO, 9).occurrences().get(0).start()).isEqualTo(FROM);
    }
}
