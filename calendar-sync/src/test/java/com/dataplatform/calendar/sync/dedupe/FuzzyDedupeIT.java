package com.dataplatform.calendar.sync.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** One meeting under two iCalUIDs is merged by the documented fuzzy rule, with its reason, and can be undone. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class FuzzyDedupeIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "fz" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private static String google(String uid, String summary, String start) {
        return """
                {"id":"%s","iCalUID":"%s","summary":"%s","updated":"2026-02-01T10:00:00Z",
                 "organizer":{"email":"Ann@Example.com"},
                 "start":{"dateTime":"%s","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-05-05T12:00:00+02:00","timeZone":"Europe/Berlin"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}"""
                .formatted("g-" + uid, uid, summary, start);
    }

    private static String graph(String uid, String subject) {
        return """
                {"id":"o-%s","iCalUId":"%s","subject":"%s","type":"singleInstance",
                 "lastModifiedDateTime":"2026-02-02T10:00:00Z","organizer":{"emailAddress":{"address":"ann@example.com"}},
                 "start":{"dateTime":"2026-05-05T09:00:00.0000000","timeZone":"UTC"},
                 "end":{"dateTime":"2026-05-05T10:00:00.0000000","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"bob@example.com"}},{"emailAddress":{"address":"carol@example.com"}}]}"""
                .formatted(uid, uid, subject);
    }

    private int unified() {
        return jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class).single();
    }

    @Test
    void same_organizer_start_and_similar_title_merge_with_a_reason_and_the_merge_can_be_undone() {
        Api api = new Api(port, org);
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        JsonNode first = api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("budget-google@x", "Budget review Q2", "2026-05-05T11:00:00+02:00"), 202).path("results").get(0);
        String eventId = first.path("eventId").asString();

        JsonNode second = api.ok("POST", "/api/systems/" + graph + "/events", "application/json",
                graph("budget-outlook@y", "RE: Budget Review – Q2"), 202).path("results").get(0);
        assertThat(second.path("status").asString()).isEqualTo("merged");
        assertThat(second.path("eventId").asString()).isEqualTo(eventId);
        assertThat(second.path("reason").asString()).startsWith("fuzzy:").contains("same organizer ann@example.com",
                "budget-outlook@y", "shared attendees 1");
        assertThat(unified()).isEqualTo(1);
        JsonNode merged = api.ok("GET", "/api/events/" + eventId, null, null, 200);
        assertThat(merged.path("copies")).hasSize(2);
        assertThat(merged.path("unified").path("attendees")).hasSize(2);
        assertThat(merged.path("iCalUID").asString()).isEqualTo("budget-google@x");

        // a later copy under the merged UID lands on the same event
        assertThat(api.ok("POST", "/api/systems/" + graph + "/events", "application/json",
                graph("budget-outlook@y", "Budget review Q2 (agenda)"), 202).path("results").get(0).path("eventId")
                .asString()).isEqualTo(eventId);

        JsonNode merges = api.ok("GET", "/api/events/" + eventId + "/merges", null, null, 200);
        assertThat(merges).hasSize(1);

        JsonNode undone = api.ok("POST", "/api/events/" + eventId + "/unmerge", null, null, 200);
        String split = undone.path("splitEventId").asString();
        assertThat(unified()).isEqualTo(2);
        JsonNode survivor = api.ok("GET", "/api/events/" + eventId, null, null, 200);
        assertThat(survivor.path("copies")).hasSize(1);
        assertThat(survivor.path("unified").path("attendees")).hasSize(1);
        JsonNode splitOff = api.ok("GET", "/api/events/" + split, null, null, 200);
        assertThat(splitOff.path("iCalUID").asString()).isEqualTo("budget-outlook@y");
        assertThat(splitOff.path("copies")).hasSize(2);
        assertThat(api.send("POST", "/api/events/" + eventId + "/unmerge", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void a_different_title_or_start_is_not_the_same_meeting() {
        Api api = new Api(port, org);
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("a@x", "Budget review", "2026-05-05T11:00:00+02:00"), 202);
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("b@x", "Hiring sync", "2026-05-05T11:00:00+02:00"), 202);
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("c@x", "Budget review", "2026-05-05T10:30:00+02:00"), 202);
        assertThat(unified()).isEqualTo(3);
    }

    @Test
    void the_window_query_expands_series_and_refuses_windows_that_are_too_large() {
        Api api = new Api(port, org);
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        api.ok("POST", "/api/systems/" + google + "/events", "application/json", """
                {"id":"s","iCalUID":"standup@x","summary":"Standup",
                 "start":{"dateTime":"2026-03-23T09:00:00+01:00","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-03-23T09:15:00+01:00","timeZone":"Europe/Berlin"},
                 "recurrence":["RRULE:FREQ=DAILY;COUNT=10","EXDATE;TZID=Europe/Berlin:20260325T090000"]}""", 202);
        api.ok("POST", "/api/systems/" + google + "/events", "application/json", """
                {"id":"one","iCalUID":"one@x","summary":"One-off",
                 "start":{"dateTime":"2026-03-26T15:00:00Z"},"end":{"dateTime":"2026-03-26T16:00:00Z"}}""", 202);
        JsonNode w = api.ok("GET", "/api/events?from=2026-03-24T00:00:00Z&to=2026-03-31T00:00:00Z", null, null, 200);
        assertThat(w.path("truncated").asBoolean()).isFalse();
        // Mar 24, 26, 27, 28, 29 (DST: 07:00Z from the 29th), 30 + the one-off; the 25th is excluded
        assertThat(w.path("occurrences")).hasSize(7);
        assertThat(w.path("occurrences").get(0).path("start").asString()).isEqualTo("2026-03-24T08:00:00Z");
        assertThat(w.path("occurrences").findValuesAsString("start")).contains("2026-03-29T07:00:00Z", "2026-03-26T15:00:00Z")
                .doesNotContain("2026-03-25T08:00:00Z");

        String id = w.path("occurrences").get(0).path("eventId").asString();
        JsonNode one = api.ok("GET", "/api/events/" + id + "/occurrences?from=2026-03-01T00:00:00Z&to=2026-04-30T00:00:00Z",
                null, null, 200);
        assertThat(one.path("occurrences")).hasSize(9);

        var tooLarge = api.send("GET", "/api/events?from=2000-01-01T00:00:00Z&to=2030-01-01T00:00:00Z", null, null);
        assertThat(tooLarge.statusCode()).isEqualTo(400);
        assertThat(tooLarge.body()).contains("to").contains("max-window");
        var bad = api.send("GET", "/api/events?from=yesterday&to=2030-01-01T00:00:00Z", null, null);
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(bad.body()).contains("from");
    }
}
