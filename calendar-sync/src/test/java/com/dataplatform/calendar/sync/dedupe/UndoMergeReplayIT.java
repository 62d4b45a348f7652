package com.dataplatform.calendar.sync.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * Undoing a fuzzy merge keeps what changed since: the survivor is its state before the merge plus every later change
 * that did not come under the merged iCalUID (its own updates, a cancel, the master's change learnt in write-back),
 * the split event is the merged copy plus every later copy under its UID — also when merges are stacked and undone
 * one after the other.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class UndoMergeReplayIT {

    private static final String A = "review-google@x";
    private static final String B = "review-outlook@y";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EventStore events;

    @Autowired
    TransactionTemplate tx;

    private final String org = "ur" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private Api api;
    private String google;
    private String graph;
    private String survivor;

    /** A Google copy; {@code extra} adds fields (location, description) to the object. */
    private static String google(String uid, String summary, String updated, String attendee, String extra) {
        return """
                {"id":"g-%s","iCalUID":"%s","summary":"%s","updated":"%s",%s
                 "organizer":{"email":"ann@example.com"},
                 "start":{"dateTime":"2026-07-07T09:00:00Z","timeZone":"UTC"},
                 "end":{"dateTime":"2026-07-07T10:00:00Z","timeZone":"UTC"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"},
                              {"email":"%s","responseStatus":"accepted"}]}"""
                .formatted(uid, uid, summary, updated, extra, attendee);
    }

    private static String graph(String uid, String subject, String modified, String attendee) {
        return """
                {"id":"o-%s","iCalUId":"%s","subject":"%s","type":"singleInstance",
                 "lastModifiedDateTime":"%s","organizer":{"emailAddress":{"address":"ann@example.com"}},
                 "start":{"dateTime":"2026-07-07T09:00:00.0000000","timeZone":"UTC"},
                 "end":{"dateTime":"2026-07-07T10:00:00.0000000","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"bob@example.com"}},{"emailAddress":{"address":"%s"}}]}"""
                .formatted(uid, uid, subject, modified, attendee);
    }

    private JsonNode push(String system, String body) {
        return api.ok("POST", "/api/systems/" + system + "/events", "application/json", body, 202).path("results")
                .get(0);
    }

    private JsonNode unified(String id) {
        return api.ok("GET", "/api/events/" + id, null, null, 200).path("unified");
    }

    private String undo() {
        return api.ok("POST", "/api/events/" + survivor + "/unmerge", null, null, 200).path("splitEventId").asString();
    }

    @BeforeEach
    void mergeTwoCopiesOfOneMeeting() {
        api = new Api(port, org);
        google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        survivor = push(google, google(A, "Quarterly review", "2026-02-01T10:00:00Z", "ann@example.com", ""))
                .path("eventId").asString();
        JsonNode merged = push(graph, graph(B, "RE: Quarterly Review", "2026-02-02T10:00:00Z", "carol@example.com"));
        assertThat(merged.path("status").asString()).isEqualTo("merged");
        assertThat(merged.path("reason").asString()).startsWith("fuzzy:");
        assertThat(merged.path("eventId").asString()).isEqualTo(survivor);
    }

    @Test
    void changes_since_the_merge_stay_with_the_uid_they_came_under() {
        // after the merge: the survivor's own system adds a room, the merged UID's system renames the meeting
        push(google, google(A, "Quarterly review", "2026-02-03T10:00:00Z", "ann@example.com",
                "\"location\":\"Room 4\","));
        assertThat(push(graph, graph(B, "Quarterly review (agenda)", "2026-02-04T10:00:00Z", "carol@example.com"))
                .path("eventId").asString()).isEqualTo(survivor);
        JsonNode live = unified(survivor);
        assertThat(live.path("title").asString()).isEqualTo("Quarterly review (agenda)");
        assertThat(live.path("location").asString()).isEqualTo("Room 4");

        String split = undo();

        JsonNode kept = unified(survivor);
        assertThat(kept.path("title").asString()).as("the rename came under the merged UID").isEqualTo("Quarterly review");
        assertThat(kept.path("location").asString()).as("the survivor's own later change is kept").isEqualTo("Room 4");
        assertThat(kept.path("attendees").findValuesAsString("email")).containsExactlyInAnyOrder("bob@example.com",
                "ann@example.com");
        JsonNode splitOff = unified(split);
        assertThat(splitOff.path("uid").asString()).isEqualTo(B);
        assertThat(splitOff.path("title").asString()).as("the merged UID's later copy is kept")
                .isEqualTo("Quarterly review (agenda)");
        assertThat(splitOff.path("location").isMissingNode() || splitOff.path("location").isNull()).isTrue();
        assertThat(splitOff.path("attendees").findValuesAsString("email")).containsExactlyInAnyOrder("bob@example.com",
                "carol@example.com");
        assertThat(changeRows()).as("nothing left to replay").isZero();
    }

    @Test
    void stacked_merges_undone_one_after_the_other_keep_the_survivors_own_changes() {
        String google2 = api.createSystem("{\"type\":\"google\",\"name\":\"Google 2\",\"master\":false}");
        push(google, google(A, "Quarterly review", "2026-02-03T10:00:00Z", "ann@example.com",
                "\"location\":\"Room 4\","));
        JsonNode third = push(google2, google("review-third@z", "Fwd: quarterly review", "2026-02-04T10:00:00Z",
                "dave@example.com", ""));
        assertThat(third.path("status").asString()).isEqualTo("merged");
        assertThat(third.path("eventId").asString()).isEqualTo(survivor);
        push(google, google(A, "Quarterly review", "2026-02-05T10:00:00Z", "ann@example.com",
                "\"location\":\"Room 4\",\"description\":\"Agenda attached\","));
        // after the second merge, both merged UIDs change too: the third adds erin, the first (B) adds frank
        push(google2, google("review-third@z", "Fwd: quarterly review", "2026-02-06T10:00:00Z", "erin@example.com", ""));
        push(graph, graph(B, "RE: Quarterly Review", "2026-02-07T10:00:00Z", "frank@example.com"));
        assertThat(unified(survivor).path("attendees").findValuesAsString("email")).contains("carol@example.com",
                "dave@example.com", "erin@example.com", "frank@example.com");

        String thirdSplit = undo(); // the latest merge first
        JsonNode afterFirstUndo = unified(survivor);
        assertThat(afterFirstUndo.path("description").asString()).isEqualTo("Agenda attached");
        assertThat(afterFirstUndo.path("attendees").findValuesAsString("email"))
                .contains("carol@example.com", "frank@example.com")
                .doesNotContain("dave@example.com", "erin@example.com");
        assertThat(unified(thirdSplit).path("uid").asString()).isEqualTo("review-third@z");
        assertThat(unified(thirdSplit).path("attendees").findValuesAsString("email")).contains("erin@example.com");

        String firstSplit = undo();
        assertThat(unified(firstSplit).path("attendees").findValuesAsString("email"))
                .as("B's copy after the second merge was handed down to the first merge and split off with it")
                .containsExactlyInAnyOrder("bob@example.com", "carol@example.com", "frank@example.com");
        JsonNode alone = unified(survivor);
        assertThat(alone.path("location").asString()).isEqualTo("Room 4");
        assertThat(alone.path("description").asString()).as("changed after the second merge, replayed at both undos")
                .isEqualTo("Agenda attached");
        assertThat(alone.path("attendees").findValuesAsString("email")).containsExactlyInAnyOrder("bob@example.com",
                "ann@example.com");
        assertThat(changeRows()).isZero();
    }

    @Test
    void a_cancel_and_the_masters_change_since_the_merge_are_replayed_on_the_survivor() {
        UUID id = UUID.fromString(survivor);
        tx.executeWithoutResult(s -> {
            // the master holds the merged event (carol, who came with B, included) and retitles it
            UnifiedEvent now = events.load(org, id).orElseThrow();
            assertThat(now.attendees()).extracting(a -> a.email()).contains("carol@example.com");
            UnifiedEvent theirs = new UnifiedEvent(A, now.sourceId(), null, "Quarterly review (moved)",
                    now.description(), now.location(), now.start(), now.end(), now.recurrence(), now.overrides(),
                    now.organizer(), now.attendees(), now.status(), now.visibility(), now.updatedAt(),
                    now.sequence() + 1);
            assertThat(events.mergeFromMaster(org, id, theirs).title()).isEqualTo("Quarterly review (moved)");
        });
        tx.executeWithoutResult(s -> assertThat(events.cancel(org, A)).contains(id));
        assertThat(changeRows()).isEqualTo(2);

        String split = undo();
        JsonNode kept = unified(survivor);
        assertThat(kept.path("title").asString()).isEqualTo("Quarterly review (moved)");
        assertThat(kept.path("status").asString()).isEqualTo("CANCELLED");
        assertThat(kept.path("attendees").findValuesAsString("email")).doesNotContain("carol@example.com");
        JsonNode splitOff = unified(split);
        assertThat(splitOff.path("status").asString()).isEqualTo("CONFIRMED");
        assertThat(splitOff.path("title").asString()).isEqualTo("RE: Quarterly Review");
    }

    @Test
    void a_deleted_merged_copy_leaves_the_survivor_alone_and_splits_off_cancelled() {
        UUID id = UUID.fromString(survivor);
        tx.executeWithoutResult(s -> assertThat(events.cancel(org, B)).as("no event of its own changed").isEmpty());
        assertThat(unified(survivor).path("status").asString()).isEqualTo("CONFIRMED");
        assertThat(changeRows()).isEqualTo(1);

        String split = undo();
        assertThat(unified(survivor).path("status").asString()).isEqualTo("CONFIRMED");
        assertThat(unified(split).path("status").asString()).isEqualTo("CANCELLED");
        // once split off, a delete of that UID cancels its own event
        java.util.Optional<UUID> cancelled = tx.execute(s -> events.cancel(org, B));
        assertThat(cancelled).contains(UUID.fromString(split));
        assertThat(events.load(org, id).orElseThrow().status()).isEqualTo(UnifiedEvent.Status.CONFIRMED);
    }

    @Test
    void an_event_without_a_standing_merge_records_no_changes() {
        undo();
        push(google, google(A, "Quarterly review", "2026-02-06T10:00:00Z", "ann@example.com",
                "\"location\":\"Room 9\","));
        tx.executeWithoutResult(s -> events.cancel(org, A));
        assertThat(changeRows()).isZero();
        assertThat(unified(survivor).path("location").asString()).isEqualTo("Room 9");
    }

    private int changeRows() {
        return jdbc.sql("select count(*) from event_merge_change where org = ?").param(org).query(Integer.class)
                .single();
    }
}
