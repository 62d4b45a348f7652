package com.dataplatform.calendar.sync.convert;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Real-world iCalendar files (ical4j's samples, BSD-3-Clause, copied into test resources): every valid file
 * ingests; every invalid file is repaired (saying what) or rejected with a reason; no exception escapes.
 */
class ICalendarCorpusTest {

    private static final ZoneId ORG_ZONE = ZoneId.of("Europe/Berlin");

    static Stream<Path> valid() throws IOException {
        return files("valid");
    }

    static Stream<Path> invalid() throws IOException {
        return files("invalid");
    }

    private static Stream<Path> files(String dir) throws IOException {
        Path root = Path.of("src/test/resources/ical4j", dir);
        try (Stream<Path> s = Files.list(root)) {
            List<Path> list = s.filter(p -> p.toString().endsWith(".ics")).sorted().toList();
            assertThat(list).isNotEmpty();
            return list.stream();
        }
    }

    private static String read(Path file) throws IOException {
        return new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("valid")
    void every_valid_file_ingests(Path file) throws IOException {
        ICalendarConverter.Result result = ICalendarConverter.convert(read(file), ORG_ZONE);
        assertThat(result.rejection()).as(file.toString()).isNull();
        for (Conversion c : result.events()) {
            if (c.isRejected()) {
                // an individual event may still be refused by a sanity rule; it must say why
                assertThat(c.rejection()).isNotBlank();
            } else {
                assertThat(c.event().uid()).isNotBlank();
                assertThat(c.event().start()).isNotNull();
                assertThat(c.event().end()).isNotNull();
            }
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalid")
    void every_invalid_file_is_repaired_or_rejected_with_a_reason(Path file) throws IOException {
        ICalendarConverter.Result result = ICalendarConverter.convert(read(file), ORG_ZONE);
        if (result.rejection() != null) {
            assertThat(result.rejection()).startsWith("not valid iCalendar: ");
            assertThat(result.events()).isEmpty();
            return;
        }
        // every event is either converted (an event, with the repairs it needed listed) or rejected with a reason;
        // some files of this set are valid for ical4j 4's strict parser and need no repair, and some hold no VEVENT
        for (Conversion c : result.events()) {
            if (c.isRejected()) {
                assertThat(c.rejection()).as(file + " event " + c.sourceId()).isNotBlank();
                assertThat(c.event()).isNull();
            } else {
                assertThat(c.event()).as(file + " event " + c.sourceId()).isNotNull();
                assertThat(c.repairs()).allSatisfy(r -> assertThat(r).isNotBlank());
            }
        }
    }
}
