package com.dataplatform.calendar.sync.dedupe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Undoing a fuzzy merge while a copy under the merged iCalUID is pushed: the undo takes ingestion's advisory locks
 * before the event row, so the push runs wholly before it (and its raw copy is moved to the split event) or wholly
 * after it (and lands on the split event) — never on the survivor once the alias is gone, never a second event for
 * the UID. The interleavings are forced with a lock held in a third transaction, not left to timing.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class UndoMergeConcurrencyIT {

    private static final String SURVIVOR_UID = "plan-google@x";
    private static final String MERGED_UID = "plan-outlook@y";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    private final String org = "um" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final ExecutorService pool = Executors.newFixedThreadPool(2);
    private Api api;
    private String graph;
    private String google;
    private String survivor;

    private static String google(String uid, String summary) {
        return google(uid, summary, "2026-06-02T09:00:00Z", "2026-02-01T10:00:00Z");
    }

    private static String google(String uid, String summary, String start, String updated) {
        return """
                {"id":"g-%s","iCalUID":"%s","summary":"%s","updated":"%s",
                 "organizer":{"email":"ann@example.com"},
                 "start":{"dateTime":"%s","timeZone":"UTC"},
                 "end":{"dateTime":"2026-06-02T12:00:00Z","timeZone":"UTC"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}"""
                .formatted(uid, uid, summary, updated, start);
    }

    private static String graph(String uid, String subject, String start, String modified) {
        return """
                {"id":"o-%s","iCalUId":"%s","subject":"%s","type":"singleInstance",
                 "lastModifiedDateTime":"%s","organizer":{"emailAddress":{"address":"ann@example.com"}},
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"2026-06-02T12:00:00.0000000","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"bob@example.com"}}]}"""
                .formatted(uid, uid, subject, modified, start);
    }

    @BeforeEach
    void mergeTwoCopiesOfOneMeeting() {
        api = new Api(port, org);
        google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        survivor = api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google(SURVIVOR_UID, "Roadmap planning"), 202).path("results").get(0).path("eventId").asString();
        JsonNode merged = api.ok("POST", "/api/systems/" + graph + "/events", "application/json",
                graph(MERGED_UID, "RE: Roadmap planning", "2026-06-02T09:00:00.0000000", "2026-02-02T10:00:00Z"),
                202).path("results").get(0);
        assertThat(merged.path("status").asString()).isEqualTo("merged");
        assertThat(merged.path("eventId").asString()).isEqualTo(survivor);
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    /** The copy was moved in Outlook: not in the survivor's fuzzy slot, so the push finds it through the alias. */
    private CompletableFuture<JsonNode> pushMovedCopy() {
        return CompletableFuture.supplyAsync(() -> api.ok("POST", "/api/systems/" + graph + "/events",
                "application/json", graph(MERGED_UID, "RE: Roadmap planning (moved)", "2026-06-02T11:00:00.0000000",
                        "2026-02-03T10:00:00Z"), 202).path("results").get(0), pool);
    }

    private CompletableFuture<JsonNode> undo() {
        return CompletableFuture.supplyAsync(() -> api.ok("POST", "/api/events/" + survivor + "/unmerge", null, null,
                200), pool);
    }

    /**
     * Backends of this database waiting for a lock, whose current statement contains the text (in its first
     * track_activity_query_size bytes, 1 kB by default).
     */
    private int waiting(String statementContains) {
        return jdbc.sql("""
                select count(*) from pg_stat_activity
                where datname = current_database() and wait_event_type = 'Lock' and position(? in query) > 0""")
                .param(statementContains).query(Integer.class).single();
    }

    private Connection holding(String sql, Object param) throws Exception {
        Connection c = dataSource.getConnection();
        c.setAutoCommit(false);
        try (PreparedStatement st = c.prepareStatement(sql)) {
            st.setObject(1, param);
            st.executeQuery().close();
        }
        return c;
    }

    private void assertConsistent(String split) {
        // every raw copy under the merged UID is on the split event, none on the survivor
        assertThat(jdbc.sql("select unified_event_id from raw_event where org = ? and ical_uid = ?")
                .params(org, MERGED_UID).query(UUID.class).list()).hasSize(2)
                .containsOnly(UUID.fromString(split));
        assertThat(jdbc.sql("select ical_uid from raw_event where org = ? and unified_event_id = ?::uuid")
                .params(org, survivor).query(String.class).list()).containsExactly(SURVIVOR_UID);
        assertThat(jdbc.sql("select id from unified_event where org = ? and ical_uid = ?").params(org, MERGED_UID)
                .query(UUID.class).list()).containsExactly(UUID.fromString(split));
        assertThat(jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class)
                .single()).isEqualTo(2);
        assertThat(jdbc.sql("select count(*) from uid_alias where org = ?").param(org).query(Integer.class).single())
                .as("the alias is gone").isZero();
        assertThat(jdbc.sql("select count(*) from event_merge where org = ? and undone_at is null").param(org)
                .query(Integer.class).single()).isZero();
        JsonNode survivorNow = api.ok("GET", "/api/events/" + survivor, null, null, 200);
        assertThat(survivorNow.path("copies")).hasSize(1);
        assertThat(api.ok("GET", "/api/events/" + split, null, null, 200).path("copies")).hasSize(2);
    }

    @Test
    void a_copy_pushed_while_the_undo_holds_the_event_lands_on_the_split_event_after_it() throws Exception {
        CompletableFuture<JsonNode> undo;
        CompletableFuture<JsonNode> push;
        // a third transaction holds the merge row: the undo stops right after locking what it locks first
        try (Connection blocker = holding("select id from event_merge where unified_event_id = ? for update",
                UUID.fromString(survivor))) {
            undo = undo();
            await().atMost(Duration.ofSeconds(60)).until(() -> waiting("event_merge") >= 1);
            // the push starts while the undo is under way. Before the fix it read the alias, waited for the event
            // row only, and after the undo committed merged the copy back into the survivor, whose alias was gone;
            // now it waits for the undo's advisory lock on the merged UID before reading anything
            push = pushMovedCopy();
            await().atMost(Duration.ofSeconds(60)).until(() -> waiting("") >= 2);
            blocker.rollback();
        }
        JsonNode undone = undo.get(60, TimeUnit.SECONDS);
        JsonNode pushed = push.get(60, TimeUnit.SECONDS);
        String split = undone.path("splitEventId").asString();
        assertThat(pushed.path("eventId").asString()).as("committed after the undo: on the split event")
                .isEqualTo(split);
        assertConsistent(split);
    }

    @Test
    void a_copy_pushed_just_before_the_undo_is_moved_to_the_split_event_by_it() throws Exception {
        CompletableFuture<JsonNode> undo;
        CompletableFuture<JsonNode> push;
        // a third transaction holds the survivor's row: the push takes its advisory locks, reads the alias, and waits
        try (Connection blocker = holding("select id from unified_event where id = ? for update",
                UUID.fromString(survivor))) {
            push = pushMovedCopy();
            await().atMost(Duration.ofSeconds(60)).until(() -> waiting("unified_event") >= 1);
            undo = undo();
            await().atMost(Duration.ofSeconds(60)).until(() -> waiting("") >= 2);
            blocker.rollback();
        }
        JsonNode pushed = push.get(60, TimeUnit.SECONDS);
        JsonNode undone = undo.get(60, TimeUnit.SECONDS);
        assertThat(pushed.path("eventId").asString()).as("committed before the undo: merged through the alias")
                .isEqualTo(survivor);
        String split = undone.path("splitEventId").asString();
        assertConsistent(split);
        // the copy merged into the survivor before the undo is replayed onto the split event, not dropped
        assertThat(api.ok("GET", "/api/events/" + split, null, null, 200).path("unified").path("start").toString())
                .contains("11:00");
        assertThat(api.ok("GET", "/api/events/" + survivor, null, null, 200).path("unified").path("start").toString())
                .contains("09:00");
    }

    @Test
    void a_merge_committed_between_the_undos_two_reads_is_the_one_undone_under_its_own_locks() throws Exception {
        // the survivor was moved to 11:00 by a newer copy of its own UID: a third copy there is a new fuzzy merge
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google(SURVIVOR_UID, "Roadmap planning", "2026-06-02T11:00:00Z", "2026-02-05T10:00:00Z"), 202);
        assertThat(api.ok("GET", "/api/events/" + survivor, null, null, 200).path("unified").path("start").toString())
                .contains("11:00");
        String third = "plan-third@z";
        CompletableFuture<JsonNode> undo;
        final CompletableFuture<JsonNode> push;
        try (Connection blocker = holding("select id from unified_event where id = ? for update",
                UUID.fromString(survivor))) {
            // the third copy's push (other UID and slot than the first merge) waits for the row first...
            push = CompletableFuture.supplyAsync(() -> api.ok("POST", "/api/systems/" + graph + "/events",
                    "application/json", graph(third, "RE: Roadmap planning", "2026-06-02T11:00:00.0000000",
                            "2026-02-06T10:00:00Z"), 202).path("results").get(0), pool);
            await().atMost(Duration.ofSeconds(60)).until(() -> push.isDone() || waiting("unified_event") >= 1);
            assertThat(push.isDone()).as(() -> "the push waits for the row: " + push.join()).isFalse();
            // ...the undo reads the first merge as the latest, takes its locks, then queues for the row behind it
            undo = undo();
            await().atMost(Duration.ofSeconds(60)).until(() -> waiting("") >= 2);
            blocker.rollback();
        }
        JsonNode pushed = push.get(60, TimeUnit.SECONDS);
        assertThat(pushed.path("status").asString()).isEqualTo("merged");
        assertThat(pushed.path("eventId").asString()).isEqualTo(survivor);
        // the locked re-read found the third copy's merge: the attempt was rolled back and retried with its UIDs
        JsonNode undone = undo.get(60, TimeUnit.SECONDS);
        assertThat(undone.path("iCalUID").asString()).isEqualTo(third);
        assertThat(jdbc.sql("select ical_uid from uid_alias where org = ?").param(org).query(String.class).list())
                .as("the first merge still stands").containsExactly(MERGED_UID);
        assertThat(jdbc.sql("select unified_event_id from raw_event where org = ? and ical_uid = ?")
                .params(org, third).query(UUID.class).list())
                .containsExactly(UUID.fromString(undone.path("splitEventId").asString()));
        assertThat(jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class)
                .single()).isEqualTo(2);
    }
}
