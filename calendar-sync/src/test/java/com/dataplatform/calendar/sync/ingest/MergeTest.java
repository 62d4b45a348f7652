package com.dataplatform.calendar.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;

class MergeTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    private static UnifiedEvent event(String title, String location, int sequence, String updated, List<Attendee> attendees) {
        EventTime start = new EventTime.Timed(Instant.parse("2026-03-10T14:00:00Z"), UTC);
        EventTime end = new EventTime.Timed(Instant.parse("2026-03-10T15:00:00Z"), UTC);
        return new UnifiedEvent("uid@x", "src", null, title, null, location, start, end, null, List.of(), null, attendees,
                UnifiedEvent.Status.CONFIRMED, UnifiedEvent.Visibility.DEFAULT, Instant.parse(updated), sequence);
    }

    @Test
    void the_newer_copy_wins_its_fields_and_the_older_fills_the_gaps() {
        UnifiedEvent older = event("Board", "Room 1", 0, "2026-02-01T00:00:00Z",
                List.of(new Attendee("ann@x.com", "Ann", Attendee.ResponseStatus.NEEDS_ACTION),
                        new Attendee("bob@x.com", null, Attendee.ResponseStatus.ACCEPTED)));
        UnifiedEvent newer = event("Board meeting", null, 0, "2026-02-02T00:00:00Z",
                List.of(new Attendee("ann@x.com", "Ann", Attendee.ResponseStatus.DECLINED)));

        for (UnifiedEvent merged : List.of(Merge.merge(older, newer), Merge.merge(newer, older))) {
            assertThat(merged.title()).isEqualTo("Board meeting");
            assertThat(merged.location()).isEqualTo("Room 1");
            assertThat(merged.attendees()).extracting(Attendee::email).containsExactlyInAnyOrder("ann@x.com", "bob@x.com");
            assertThat(merged.attendees()).filteredOn(a -> a.email().equals("ann@x.com"))
                    .extracting(Attendee::response).containsExactly(Attendee.ResponseStatus.DECLINED);
        }
    }

    @Test
    void a_higher_sequence_beats_a_later_update_time() {
        UnifiedEvent rescheduled = event("Moved", null, 3, "2026-01-01T00:00:00Z", List.of());
        UnifiedEvent stale = event("Original", null, 1, "2026-06-01T00:00:00Z", List.of());
        assertThat(Merge.isNewer(rescheduled, stale)).isTrue();
        assertThat(Merge.merge(stale, rescheduled).title()).isEqualTo("Moved");
        assertThat(Merge.merge(stale, rescheduled).sequence()).isEqualTo(3);
    }
}
