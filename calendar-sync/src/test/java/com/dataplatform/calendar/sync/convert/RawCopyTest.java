package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The raw copy of each VEVENT is its own lines of the payload as received, not ical4j's re-rendering. */
class RawCopyTest {

    @Test
    void each_vevent_keeps_its_received_lines_including_nested_alarms() {
        String first = "BEGIN:VEVENT\r\nUID:one@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260301T100000Z\r\n"
                + "DTEND:20260301T110000Z\r\nSUMMARY:One;  spaced  \r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\n"
                + "TRIGGER:-PT5M\r\nDESCRIPTION:ring\r\nEND:VALARM\r\nEND:VEVENT\r\n";
        String second = "BEGIN:VEVENT\r\nUID:two@x\r\nDTSTAMP:20260101T000000Z\r\nDTSTART:20260302T100000Z\r\n"
                + "DTEND:20260302T110000Z\r\nSUMMARY:Two\r\nEND:VEVENT\r\n";
        String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\n" + first + second + "END:VCALENDAR\r\n";

        assertThat(ICalendarConverter.veventBlocks(ics)).containsExactly(first, second);
        ICalendarConverter.Result r = ICalendarConverter.convert(ics, ZoneId.of("UTC"));
        assertThat(r.rejection()).isNull();
        assertThat(r.events()).extracting(Conversion::raw).containsExactly(first, second);
    }

    @Test
    void lf_only_payloads_are_split_the_same_way() {
        String ics = "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\nUID:lf@x\nDTSTAMP:20260101T000000Z\n"
                + "DTSTART:20260301T100000Z\nEND:VEVENT\nEND:VCALENDAR\n";
        List<String> blocks = ICalendarConverter.veventBlocks(ics);
        assertThat(blocks).containsExactly("BEGIN:VEVENT\r\nUID:lf@x\r\nDTSTAMP:20260101T000000Z\r\n"
                + "DTSTART:20260301T100000Z\r\nEND:VEVENT\r\n");
    }
}
