package com.dataplatform.calendar.sync.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class FuzzyMatchTest {

    private static UnifiedEvent event(String uid, String title, String start, String organizer, String... attendees) {
        EventTime s = new EventTime.Timed(Instant.parse(start), ZoneId.of("UTC"));
        return new UnifiedEvent(uid, uid, null, title, null, null, s, s, null, List.of(), organizer,
                java.util.Arrays.stream(attendees).map(a -> new Attendee(a, null, Attendee.ResponseStatus.ACCEPTED)).toList(),
                UnifiedEvent.Status.CONFIRMED, UnifiedEvent.Visibility.DEFAULT, null, 0);
    }

    @Test
    void titles_are_compared_without_case_accents_punctuation_and_reply_prefixes() {
        assertThat(FuzzyMatch.normalise("Fwd: RE:  Café – Planning!")).isEqualTo("cafe planning");
        assertThat(FuzzyMatch.match(event("a", "Café planning", "2026-01-01T10:00:00Z", "ann@x"),
                event("b", "Re: CAFE PLANNING", "2026-01-01T10:00:00Z", "ann@x"))).isPresent();
    }

    @Test
    void organizer_start_title_and_attendee_overlap_must_all_agree() {
        UnifiedEvent base = event("a", "Weekly budget review", "2026-01-01T10:00:00Z", "ann@x", "bob@x");
        assertThat(FuzzyMatch.match(base, event("b", "Budget review weekly", "2026-01-01T10:00:00Z", "ann@x", "bob@x")))
                .hasValueSatisfying(r -> assertThat(r).contains("shared attendees 1"));
        assertThat(FuzzyMatch.match(base, event("b", "Weekly budget review", "2026-01-01T10:00:00Z", "eve@x", "bob@x"))).isEmpty();
        assertThat(FuzzyMatch.match(base, event("b", "Weekly budget review", "2026-01-01T10:30:00Z", "ann@x", "bob@x"))).isEmpty();
        assertThat(FuzzyMatch.match(base, event("b", "Hiring sync", "2026-01-01T10:00:00Z", "ann@x", "bob@x"))).isEmpty();
        assertThat(FuzzyMatch.match(base, event("b", "Weekly budget review", "2026-01-01T10:00:00Z", "ann@x", "zed@x"))).isEmpty();
        assertThat(FuzzyMatch.match(base, event("b", "Weekly budget review", "2026-01-01T10:00:00Z", "ann@x"))).isPresent();
        assertThat(FuzzyMatch.match(event("a", "x", "2026-01-01T10:00:00Z", null), event("b", "x", "2026-01-01T10:00:00Z", null)))
                .isEmpty();
    }
}
