package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The light parse path ({@link LightICalendar}) gives exactly the full path's result ({@link ICalendarConverter#convertFully},
 * ical4j's CalendarBuilder object model) whenever it answers at all — on ical4j's sample corpus, valid and invalid,
 * and on seeded random payloads mixing every form it decodes itself with forms it leaves to ical4j — and it does
 * answer for the common shapes (so pushes really take it).
 */
class LightICalendarTest {

    private static final ZoneId ORG_ZONE = ZoneId.of("Europe/Berlin");

    static Stream<Path> corpus() throws IOException {
        List<Path> all = new ArrayList<>();
        for (String dir : List.of("valid", "invalid")) {
            try (Stream<Path> s = Files.list(Path.of("src/test/resources/ical4j", dir))) {
                s.filter(p -> p.toString().endsWith(".ics")).sorted().forEach(all::add);
            }
        }
        assertThat(all).hasSizeGreaterThan(40);
        return all.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void agrees_with_the_full_path_on_every_corpus_file(Path file) throws IOException {
        String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
        Optional<ICalendarConverter.Result> light = LightICalendar.convert(text, ORG_ZONE);
        ICalendarConverter.Result full = ICalendarConverter.convertFully(text, ORG_ZONE);
        light.ifPresent(r -> assertThat(r).as(file.toString()).isEqualTo(full));
        assertThat(ICalendarConverter.convert(text, ORG_ZONE)).isEqualTo(full);
        boolean repaired = full.rejection() != null
                || full.events().stream().anyMatch(c -> c.repairs().stream().anyMatch(r -> r.startsWith("parsed leniently")));
        if (repaired) { // the strict parse failed: only the full path repairs
            assertThat(light).as(file.toString()).isEmpty();
        }
    }

    @Test
    void agrees_with_the_full_path_on_random_payloads_and_takes_the_plain_ones() {
        long seed = System.nanoTime();
        Random random = new Random(seed);
        int answered = 0;
        int plainAnswered = 0;
        int plain = 0;
        for (int i = 0; i < 400; i++) {
            boolean onlyPlain = i % 2 == 0;
            String text = payload(random, onlyPlain);
            Optional<ICalendarConverter.Result> light = LightICalendar.convert(text, ORG_ZONE);
            if (light.isPresent()) {
                answered++;
                assertThat(light.get()).as("seed %d payload %d:%n%s", seed, i, text)
                        .isEqualTo(ICalendarConverter.convertFully(text, ORG_ZONE));
            }
            if (onlyPlain) {
                plain++;
                plainAnswered += light.isPresent() ? 1 : 0;
            }
        }
        assertThat(plainAnswered).as("seed %d: payloads of plain forms only take the light path", seed).isEqualTo(plain);
        assertThat(answered).as("seed %d", seed).isGreaterThan(plain);
    }

    @Test
    void agrees_with_the_full_path_on_edge_forms() {
        String[] lines = {
                "DTSTART;TZID=Europe/Berlin:20260329T023000", // in the spring-forward gap
                "DTSTART;TZID=Europe/Berlin:20261025T023000", // in the autumn overlap
                "DTSTART;TZID=America/New_York:20260308T021500",
                "DTSTART;TZID=UTC:20260101T090000", "DTSTART;TZID=Z:20260101T090000", "DTSTART;TZID=\"Europe/Berlin\":20260101T090000",
                "DTSTART;VALUE=DATE-TIME:20260101", "DTSTART;VALUE=DATE:20260101T090000", "DTSTART:20260101",
                "DTSTART;TZID=Europe/Berlin:20260101", "DTSTART:20260101T090000Z\r\nDTEND;TZID=Europe/Berlin:20260101T090000Z",
                "DTSTART:20260101T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20260102,20260103T090000Z",
                "DTSTART:20260101T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE:20260102,20260103",
                "DTSTART;VALUE=DATE:20260101\r\nRRULE:FREQ=DAILY;COUNT=3\r\nEXDATE;VALUE=DATE:20260102,20260103",
                "DTSTART:20260101T090000Z\r\nRRULE:FREQ=DAILY;COUNT=3\r\nRDATE;VALUE=PERIOD:20260105T090000Z/PT1H",
                "DTSTART:20260101T090000Z\r\nDTSTAMP:20260101\r\nLAST-MODIFIED;TZID=Europe/Berlin:20260101T090000",
                "DTSTART:20260101T090000Z\r\nSUMMARY;LANGUAGE=de:  Plan\\, \\\"A\\\"  \r\nSEQUENCE: 3 ",
                "DTSTART:20260101T090000Z\r\nSTATUS:IN-PROCESS\r\nCLASS:x-secret",
                "DTSTART:20260101T090000Z\r\nORGANIZER:MAILTO:Boss@Example.COM\r\nATTENDEE;CN=\"Doe, J\":mailto:j@x.org",
                "DTSTART:20260101T090000Z\r\ndtend:20260101T100000Z\r\nsummary:lower-case names",
                "DTSTART:20261301T090000Z", "DTSTART;TZID=Europe/Berlin:20260101T240000",
        };
        for (String line : lines) {
            String text = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:edge@test\r\n"
                    + line + "\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
            ICalendarConverter.Result full = ICalendarConverter.convertFully(text, ORG_ZONE);
            Optional<ICalendarConverter.Result> light = LightICalendar.convert(text, ORG_ZONE);
            light.ifPresent(r -> assertThat(r).as(line).isEqualTo(full));
            if (line.contains("0329T0230") || line.contains("1025T0230") || line.contains("0308T0215")) {
                assertThat(light).as("DST gap/overlap times are read by the light path: %s", line).isPresent();
            }
            assertThat(ICalendarConverter.convert(text, ORG_ZONE)).as(line).isEqualTo(full);
        }
    }

    @Test
    void declines_what_it_must_leave_to_the_full_path() {
        String vtimezone = RoundTripTestData.ICS;
        assertThat(LightICalendar.convert(vtimezone, ORG_ZONE)).isEmpty();
        String badDate = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:a\r\n"
                + "DTSTART;VALUE=DATE:20260101\r\nDTEND;VALUE=DATE:20260230\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        assertThat(LightICalendar.convert(badDate, ORG_ZONE)).isEmpty();
        assertThat(ICalendarConverter.convert(badDate, ORG_ZONE)).isEqualTo(ICalendarConverter.convertFully(badDate, ORG_ZONE));
        String todo = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VTODO\r\nUID:t\r\nEND:VTODO\r\nEND:VCALENDAR\r\n";
        assertThat(LightICalendar.convert(todo, ORG_ZONE)).isEmpty();
    }

    private static final String[] ZONES = {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "US/Eastern", "Etc/GMT+5",
            "Australia/Lord_Howe"};
    private static final String[] ODD_ZONES = {"UTC", "GMT", "W. Europe Standard Time", "Nowhere/Special", "Europe/Berlin "};

    /** A payload of 1-6 events; plain: only forms the light path decodes itself, else mixed with odd ones. */
    static String payload(Random r, boolean plain) {
        StringBuilder b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\n");
        if (!plain && r.nextInt(4) == 0) {
            b.append("X-WR-CALNAME:Team\r\nMETHOD:PUBLISH\r\n");
        }
        int events = 1 + r.nextInt(6);
        String sharedUid = "uid-" + r.nextInt(1000) + "@test";
        for (int i = 0; i < events; i++) {
            b.append("BEGIN:VEVENT\r\n");
            boolean override = i > 0 && r.nextInt(5) == 0;
            String uid = override || r.nextInt(10) == 0 ? sharedUid : "uid-" + r.nextLong() + "@test";
            if (r.nextInt(15) != 0 || override) {
                b.append("UID:").append(uid).append("\r\n");
            }
            if (r.nextBoolean()) {
                b.append("DTSTAMP:2026").append(two(1 + r.nextInt(12))).append("01T000000Z\r\n");
            }
            if (r.nextInt(3) == 0) {
                b.append("LAST-MODIFIED:20260").append(1 + r.nextInt(9)).append("02T101010Z\r\n");
            }
            String day = "2026" + two(1 + r.nextInt(12)) + two(1 + r.nextInt(27));
            String time = "T" + two(r.nextInt(24)) + two(r.nextInt(4) * 15) + "00";
            String form = switch (r.nextInt(plain ? 4 : 6)) {
                case 0 -> ";VALUE=DATE:" + day;
                case 1 -> ":" + day + time + "Z";
                case 2 -> ";TZID=" + ZONES[r.nextInt(ZONES.length)] + ":" + day + time;
                case 3 -> ":" + day + time;
                case 4 -> ";TZID=" + ODD_ZONES[r.nextInt(ODD_ZONES.length)] + ":" + day + time;
                default -> ";VALUE=DATE-TIME;X-FOO=bar:" + day + time;
            };
            b.append("DTSTART").append(form).append("\r\n");
            if (form.contains("VALUE=DATE:")) {
                b.append(r.nextBoolean() ? "DTEND;VALUE=DATE:" + day.substring(0, 6) + two(1 + Integer.parseInt(day.substring(6)))
                        : "DURATION:P1D").append("\r\n");
            } else if (r.nextInt(3) > 0) {
                b.append("DTEND").append(form.replace(time, "T235900")).append("\r\n");
            } else if (!plain || r.nextBoolean()) {
                b.append("DURATION:PT").append(1 + r.nextInt(3)).append("H\r\n");
            }
            if (override) {
                b.append("RECURRENCE-ID").append(form.replace(day, "20260105")).append("\r\n");
            }
            if (r.nextInt(3) == 0) {
                b.append("RRULE:FREQ=WEEKLY;COUNT=").append(2 + r.nextInt(20)).append(r.nextBoolean() ? ";BYDAY=MO,WE" : "")
                        .append("\r\n");
                String ex = form.replace(day, "20260110");
                b.append("EXDATE").append(ex).append(r.nextBoolean() ? "," + ex.substring(ex.lastIndexOf(':') + 1) : "").append("\r\n");
                if (r.nextInt(3) == 0) {
                    b.append("RDATE").append(form.replace(day, "20260111")).append("\r\n");
                }
            }
            b.append("SUMMARY:").append(switch (r.nextInt(4)) {
                case 0 -> "Meeting " + i;
                case 1 -> "Plan\\, review\\; decide\\nnext";
                case 2 -> "Re: Budget";
                default -> "Ünïcode ☃ meeting";
            }).append("\r\n");
            if (r.nextBoolean()) {
                b.append("DESCRIPTION:line one\\nline two \\\\ done\r\nLOCATION:Room ").append(r.nextInt(9)).append("\r\n");
            }
            if (r.nextBoolean()) {
                b.append("STATUS:").append(new String[] {"CONFIRMED", "tentative", "Cancelled"}[r.nextInt(3)]).append("\r\n");
            }
            if (!plain && r.nextInt(4) == 0) {
                b.append("STATUS:IN-PROCESS\r\n");
            }
            if (r.nextBoolean()) {
                b.append("CLASS:").append(new String[] {"PUBLIC", "private", "CONFIDENTIAL"}[r.nextInt(3)]).append("\r\n");
            }
            if (r.nextBoolean()) {
                b.append("SEQUENCE:").append(plain ? String.valueOf(r.nextInt(5)) : "x" + r.nextInt(3)).append("\r\n");
            }
            b.append("ORGANIZER;CN=\"Owner, ").append(i).append("\":mailto:Owner").append(r.nextInt(3)).append("@Example.com\r\n");
            for (int a = r.nextInt(4); a > 0; a--) {
                b.append("ATTENDEE;PARTSTAT=").append(new String[] {"ACCEPTED", "DECLINED", "NEEDS-ACTION", "TENTATIVE"}[r.nextInt(4)])
                        .append(";CN=Person ").append(a).append(":mailto:p").append(a).append(plain ? "" : " x")
                        .append("@example.com\r\n");
            }
            if (r.nextInt(4) == 0) {
                b.append("BEGIN:VALARM\r\nACTION:DISPLAY\r\nTRIGGER:-PT15M\r\nDESCRIPTION:Reminder\r\nEND:VALARM\r\n");
            }
            if (r.nextInt(4) == 0) {
                b.append("X-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\nCATEGORIES:Work,Team\r\n");
            }
            b.append("END:VEVENT\r\n");
        }
        return b.append("END:VCALENDAR\r\n").toString();
    }

    private static String two(int n) {
        return n < 10 ? "0" + n : Integer.toString(n);
    }
}
