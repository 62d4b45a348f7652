package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import net.fortuna.ical4j.util.CompatibilityHints;
import org.junit.jupiter.api.Test;

/**
 * ical4j's global hints are set once and never toggled by a parse, so conversions need no global lock: strict and
 * repairing parses running at the same time on many threads give exactly the results they give alone.
 */
class Ical4jSettingsTest {

    private static final ZoneId UTC = ZoneId.of("UTC");
    // a VALARM outside any VEVENT (RFC 5545 forbids it): the strict pass fails, the repair pass removes it
    private static final String NEEDS_REPAIR = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VALARM\r\n"
            + "ACTION:DISPLAY\r\nTRIGGER:-PT5M\r\nDESCRIPTION:top-level alarm\r\nEND:VALARM\r\nBEGIN:VEVENT\r\n"
            + "UID:repair@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\nDTEND:20260301T110000Z\r\n"
            + "SUMMARY:Needs repair\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
    private static final String VALID = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:ok@x\r\n"
            + "DTSTAMP:20260101T000000Z\r\nDTSTART;TZID=Europe/Berlin:20260301T100000\r\n"
            + "DTEND;TZID=Europe/Berlin:20260301T110000\r\nRRULE:FREQ=WEEKLY;COUNT=3\r\nSUMMARY:Valid\r\n"
            + "END:VEVENT\r\nEND:VCALENDAR\r\n";

    private static String outcome(String ics) {
        ICalendarConverter.Result r = ICalendarConverter.convert(ics, UTC);
        return r.rejection() != null ? "rejected: " + r.rejection()
                : r.events().stream().map(c -> c.isRejected() ? "rejected " + c.rejection()
                        : c.event().uid() + " " + c.event().start() + " " + c.event().recurrence() + " " + c.repairs())
                        .toList().toString();
    }

    @Test
    void hints_are_set_once_and_a_parse_does_not_change_them() {
        Ical4jSettings.apply();
        boolean[] before = hints();
        outcome(NEEDS_REPAIR);
        outcome(VALID);
        outcome("nonsense");
        assertThat(hints()).containsExactly(before);
        assertThat(before).containsExactly(true, true, true, true, false);
    }

    @Test
    void strict_and_repairing_parses_on_many_threads_give_the_single_threaded_results() throws Exception {
        String repaired = outcome(NEEDS_REPAIR);
        String valid = outcome(VALID);
        assertThat(repaired).contains("parsed leniently");
        assertThat(valid).doesNotContain("leniently");
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            List<Future<Boolean>> runs = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                boolean even = i % 2 == 0;
                runs.add(pool.submit(() -> even ? outcome(NEEDS_REPAIR).equals(repaired) : outcome(VALID).equals(valid)));
            }
            for (Future<Boolean> f : runs) {
                assertThat(f.get()).isTrue();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static boolean[] hints() {
        return new boolean[] {CompatibilityHints.isHintEnabled(CompatibilityHints.KEY_RELAXED_PARSING),
                CompatibilityHints.isHintEnabled(CompatibilityHints.KEY_RELAXED_VALIDATION),
                CompatibilityHints.isHintEnabled(CompatibilityHints.KEY_OUTLOOK_COMPATIBILITY),
                CompatibilityHints.isHintEnabled(CompatibilityHints.KEY_NOTES_COMPATIBILITY),
                CompatibilityHints.isHintEnabled(CompatibilityHints.KEY_RELAXED_UNFOLDING)};
    }
}
