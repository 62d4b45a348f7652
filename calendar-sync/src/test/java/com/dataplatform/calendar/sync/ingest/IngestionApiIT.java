package com.dataplatform.calendar.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Systems and pushed events against the real PostgreSQL: one meeting from two systems is one unified event. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class IngestionApiIT {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "cal" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private HttpResponse<String> send(String method, String path, String contentType, String body, String org)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", TestJwts.bearer(org, "admin"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private String createSystem(String json) throws Exception {
        HttpResponse<String> r = send("POST", "/api/systems", "application/json", json, org);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return JSON.readTree(r.body()).path("id").asString();
    }

    private static final String GOOGLE = """
            {"kind":"calendar#events","items":[
             {"id":"g-1","iCalUID":"board-2026@example.com","summary":"Board meeting","sequence":0,
              "updated":"2026-02-01T10:00:00Z",
              "start":{"dateTime":"2026-03-10T15:00:00+01:00","timeZone":"Europe/Berlin"},
              "end":{"dateTime":"2026-03-10T16:00:00+01:00","timeZone":"Europe/Berlin"},
              "attendees":[{"email":"Ann@Example.com","responseStatus":"accepted"}]},
             {"id":"g-bad","iCalUID":"bad@example.com",
              "start":{"dateTime":"2026-03-10T16:00:00Z"},"end":{"dateTime":"2026-03-10T15:00:00Z"}}]}""";

    private static final String GRAPH = """
            {"value":[{"id":"AAMk-1","iCalUId":"board-2026@example.com","subject":"Board meeting","type":"singleInstance",
              "lastModifiedDateTime":"2026-02-02T10:00:00Z",
              "start":{"dateTime":"2026-03-10T14:00:00.0000000","timeZone":"UTC"},
              "end":{"dateTime":"2026-03-10T15:00:00.0000000","timeZone":"UTC"}}]}""";

    @Test
    void the_same_meeting_from_google_and_graph_is_one_unified_event_with_both_copies() throws Exception {
        String google = createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String graph = createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");

        HttpResponse<String> first = send("POST", "/api/systems/" + google + "/events", "application/json", GOOGLE, org);
        assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
        JsonNode results = JSON.readTree(first.body()).path("results");
        assertThat(results.get(0).path("status").asString()).isIn("stored", "repaired");
        assertThat(results.get(1).path("status").asString()).isEqualTo("rejected");
        assertThat(results.get(1).path("reason").asString()).contains("before start");
        String eventId = results.get(0).path("eventId").asString();

        HttpResponse<String> second = send("POST", "/api/systems/" + graph + "/events", "application/json", GRAPH, org);
        assertThat(second.statusCode()).as(second.body()).isEqualTo(202);
        assertThat(JSON.readTree(second.body()).path("results")).as(second.body()).hasSize(1);
        JsonNode merged = JSON.readTree(second.body()).path("results").get(0);
        assertThat(merged.path("status").asString()).isEqualTo("merged");
        assertThat(merged.path("eventId").asString()).isEqualTo(eventId);

        JsonNode event = JSON.readTree(send("GET", "/api/events/" + eventId, null, null, org).body());
        assertThat(event.path("iCalUID").asString()).isEqualTo("board-2026@example.com");
        assertThat(event.path("copies")).hasSize(2);
        assertThat(event.path("copies").findValuesAsString("systemType")).containsExactly("google", "graph");
        assertThat(event.path("unified").path("attendees").get(0).path("email").asString()).isEqualTo("ann@example.com");
        assertThat(jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class).single())
                .isEqualTo(1);

        JsonNode quality = JSON.readTree(send("GET", "/api/quality", null, null, org).body());
        assertThat(quality).hasSize(2);
        assertThat(quality.get(0).path("ingested").asInt()).isEqualTo(2);
        assertThat(quality.get(0).path("rejected").asInt()).isEqualTo(1);
        assertThat(quality.get(1).path("merged").asInt()).isEqualTo(1);

        // another org sees nothing of it
        assertThat(send("GET", "/api/events/" + eventId, null, null, "otherorg").statusCode()).isEqualTo(404);
        assertThat(send("POST", "/api/systems/" + google + "/events", "application/json", GOOGLE, "otherorg")
                .statusCode()).isEqualTo(404);
    }

    @Test
    void icalendar_goes_to_caldav_systems_and_garbage_is_a_problem_with_nothing_stored() throws Exception {
        String caldav = createSystem("{\"type\":\"caldav\",\"name\":\"Radicale\",\"master\":true,"
                + "\"baseUrl\":\"http://127.0.0.1:5232/alice/cal/\",\"timeZone\":\"Europe/Berlin\"}");
        String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:ics-1@x\r\n"
                + "DTSTAMP:20260101T000000Z\r\nDTSTART:20260601T100000\r\nDTEND:20260601T110000\r\nSUMMARY:Floating\r\n"
                + "END:VEVENT\r\nEND:VCALENDAR\r\n";
        HttpResponse<String> ok = send("POST", "/api/systems/" + caldav + "/events", "text/calendar", ics, org);
        assertThat(ok.statusCode()).as(ok.body()).isEqualTo(202);
        JsonNode result = JSON.readTree(ok.body()).path("results").get(0);
        assertThat(result.path("status").asString()).isEqualTo("repaired");
        assertThat(result.path("reason").asString()).contains("floating");

        int before = jdbc.sql("select count(*) from raw_event where org = ?").param(org).query(Integer.class).single();
        HttpResponse<String> garbage = send("POST", "/api/systems/" + caldav + "/events", "text/calendar", "nonsense", org);
        assertThat(garbage.statusCode()).isEqualTo(400);
        assertThat(garbage.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
        assertThat(JSON.readTree(garbage.body()).path("field").asString()).isEqualTo("body");
        assertThat(send("POST", "/api/systems/" + caldav + "/events", "application/json", "{}", org).statusCode())
                .isEqualTo(422);
        assertThat(jdbc.sql("select count(*) from raw_event where org = ?").param(org).query(Integer.class).single())
                .isEqualTo(before);
    }

    @Test
    void system_creation_validates_and_guards_outbound_urls() throws Exception {
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"exchange\",\"name\":\"x\",\"master\":false}", org), 400)).isEqualTo("type");
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"caldav\",\"name\":\"meta\",\"master\":false,\"baseUrl\":\"http://169.254.169.254/\"}", org),
                400)).isEqualTo("baseUrl");
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"caldav\",\"name\":\"internal\",\"master\":false,\"baseUrl\":\"http://10.0.0.7/dav/\"}", org),
                400)).isEqualTo("baseUrl");
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"google\",\"name\":\"tz\",\"master\":false,\"timeZone\":\"Mars/Base\"}", org), 400))
                .isEqualTo("timeZone");
        createSystem("{\"type\":\"google\",\"name\":\"Main\",\"master\":true}");
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"graph\",\"name\":\"Second\",\"master\":true}", org), 409)).isEqualTo("master");
        assertThat(field(send("POST", "/api/systems", "application/json",
                "{\"type\":\"graph\",\"name\":\"Main\",\"master\":false}", org), 409)).isEqualTo("name");
        assertThat(jdbc.sql("select count(*) from calendar_system where org = ?").param(org).query(Integer.class).single())
                .isEqualTo(1);
    }

    private static String field(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        return JSON.readTree(r.body()).path("field").asString();
    }
}
