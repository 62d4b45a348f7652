package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Flow 4, calendar → master: the same meeting pushed in Google's and in Microsoft Graph's schema becomes one unified
 * event, written once to the org's CalDAV master (the stack's real Radicale) and published once on
 * {@code calendar.events}.
 */
@Order(40)
class CalendarToMasterIT {

    private static final String GOOGLE = """
            {"id":"g-e2e-1","iCalUID":"launch-review@example.com","summary":"Launch review","status":"confirmed",
             "sequence":0,"updated":"2026-03-01T09:00:00Z","organizer":{"email":"ann@example.com"},
             "start":{"dateTime":"2026-04-14T10:00:00+02:00","timeZone":"Europe/Berlin"},
             "end":{"dateTime":"2026-04-14T11:00:00+02:00","timeZone":"Europe/Berlin"},
             "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}""";
    private static final String GRAPH = """
            {"value":[{"id":"AAMk-e2e-1","iCalUId":"launch-review@example.com","subject":"Launch review",
              "type":"singleInstance","lastModifiedDateTime":"2026-03-01T10:00:00Z",
              "organizer":{"emailAddress":{"address":"ann@example.com"}},
              "start":{"dateTime":"2026-04-14T10:00:00.0000000","timeZone":"W. Europe Standard Time"},
              "end":{"dateTime":"2026-04-14T11:00:00.0000000","timeZone":"W. Europe Standard Time"},
              "attendees":[{"emailAddress":{"address":"carol@example.com"},"status":{"response":"accepted"}}]}]}""";

    @Test
    void the_same_meeting_from_google_and_graph_lands_once_in_the_caldav_master_and_once_on_the_topic() {
        Stack stack = Stack.get();
        assertThat(stack.radicale().running()).as("the stack's Radicale (apt-get install -y radicale)").isTrue();
        Api api = new Api(stack, Api.freshOrg("flow4"), "admin");
        String calendar = "http://127.0.0.1:" + stack.radicale().port() + "/" + api.org() + "/master/";
        HttpResponse<String> made = dav("MKCALENDAR", calendar, api.org(), null);
        assertThat(made.statusCode()).as(made.body()).isEqualTo(201);

        String master = api.post(Stack.CALENDAR, "/api/systems", """
                {"type":"caldav","name":"Team master","master":true,"baseUrl":"%s","username":"%s","password":"pw",
                 "timeZone":"Europe/Berlin"}""".formatted(calendar, api.org()), 201).path("id").asString();
        String google = api.post(Stack.CALENDAR, "/api/systems", "{\"type\":\"google\",\"name\":\"Google\",\"master\":false}", 201)
                .path("id").asString();
        String graph = api.post(Stack.CALENDAR, "/api/systems", "{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}", 201)
                .path("id").asString();

        JsonNode first = api.post(Stack.CALENDAR, "/api/systems/" + google + "/events", GOOGLE, 202).path("results").get(0);
        JsonNode second = api.post(Stack.CALENDAR, "/api/systems/" + graph + "/events", GRAPH, 202).path("results").get(0);
        assertThat(second.path("eventId").asString()).isEqualTo(first.path("eventId").asString());
        String eventId = first.path("eventId").asString();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<String> resources = resources(calendar, api.org());
            assertThat(resources).hasSize(1);
            String ics = dav("GET", calendar.replaceAll("/" + api.org() + "/master/$", "") + resources.get(0),
                    api.org(), null).body();
            assertThat(ics).contains("UID:launch-review@example.com", "SUMMARY:Launch review",
                    "mailto:bob@example.com", "mailto:carol@example.com");
        });
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            List<ConsumerRecord<String, byte[]>> published = Topics.ofTenant(stack.kafkaBootstrap(), "calendar.events",
                    api.org());
            assertThat(published).isNotEmpty();
            assertThat(published.stream().map(ConsumerRecord::key).distinct()).containsExactly(eventId);
        });
        // the master's next sync reports our own copy back: recognised as an echo, not a second event
        JsonNode sync = api.post(Stack.CALENDAR, "/api/systems/" + master + "/sync", "", 200);
        assertThat(sync.path("echoes").asInt()).as(sync.toString()).isEqualTo(1);
        JsonNode unified = api.get(Stack.CALENDAR, "/api/events?from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z");
        assertThat(unified.toString()).contains(eventId);
        assertThat(api.get(Stack.CALENDAR, "/api/events/" + eventId).path("master").path("status").asString())
                .isEqualTo("written");
    }

    /** The hrefs of the calendar's .ics resources (PROPFIND Depth 1). */
    private static List<String> resources(String calendar, String user) {
        HttpResponse<String> r = dav("PROPFIND", calendar, user, "<?xml version=\"1.0\"?><propfind xmlns=\"DAV:\"><prop><getetag/></prop></propfind>");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(207);
        Matcher m = Pattern.compile("<(?:[A-Za-z]+:)?href>([^<]+\\.ics)</(?:[A-Za-z]+:)?href>").matcher(r.body());
        List<String> hrefs = new java.util.ArrayList<>();
        while (m.find()) {
            hrefs.add(m.group(1));
        }
        return hrefs;
    }

    private static HttpResponse<String> dav(String method, String url, String user, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20))
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((user + ":pw")
                        .getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/xml; charset=utf-8").header("Depth", "1");
        }
        return Api.send(b.build());
    }
}
