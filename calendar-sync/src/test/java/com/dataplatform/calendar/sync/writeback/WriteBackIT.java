package com.dataplatform.calendar.sync.writeback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.calendar.sync.caldav.CalDavClient;
import com.dataplatform.calendar.sync.caldav.Radicale;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Radicale as the master: copies from Google and Graph become one event, one resource on the master, no echo. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class WriteBackIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "wb" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Radicale radicale = Radicale.get();

    private static String google(String summary, String updated, int sequence, String status) {
        return """
                {"id":"g-77","iCalUID":"quarterly@example.com","summary":"%s","status":"%s","sequence":%d,
                 "updated":"%s","organizer":{"email":"ann@example.com"},
                 "start":{"dateTime":"2026-04-14T10:00:00+02:00","timeZone":"Europe/Berlin"},
                 "end":{"dateTime":"2026-04-14T11:00:00+02:00","timeZone":"Europe/Berlin"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}"""
                .formatted(summary, status, sequence, updated);
    }

    private static String graph(String subject, String modified) {
        return """
                {"value":[{"id":"AAMk-77","iCalUId":"quarterly@example.com","subject":"%s","type":"singleInstance",
                  "lastModifiedDateTime":"%s","organizer":{"emailAddress":{"address":"ann@example.com"}},
                  "start":{"dateTime":"2026-04-14T10:00:00.0000000","timeZone":"W. Europe Standard Time"},
                  "end":{"dateTime":"2026-04-14T11:00:00.0000000","timeZone":"W. Europe Standard Time"},
                  "attendees":[{"emailAddress":{"address":"carol@example.com"},"status":{"response":"tentativelyAccepted"}}]}]}"""
                .formatted(subject, modified);
    }

    private void awaitWrittenBack() {
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> jdbc.sql(
                "select count(*) from writeback_outbox where org = ?").param(org).query(Integer.class).single() == 0);
    }

    /** A consumer of calendar.events positioned at the current end. */
    private static KafkaConsumer<String, byte[]> calendarEventsFromNow() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers());
        KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer());
        List<TopicPartition> partitions = consumer.partitionsFor("calendar.events").stream()
                .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
        consumer.assign(partitions);
        consumer.seekToEnd(partitions);
        partitions.forEach(consumer::position);
        return consumer;
    }

    private int unified() {
        return jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class).single();
    }

    @Test
    void copies_from_google_and_graph_become_one_master_resource_with_no_echo_and_updates_flow_through() {
        Api api = new Api(port, org);
        String cal = radicale.calendar(org, "master");
        String master = api.createSystem("""
                {"type":"caldav","name":"Radicale","master":true,"baseUrl":"%s","username":"%s","password":"pw",
                 "timeZone":"Europe/Berlin"}""".formatted(cal, org));
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        CalDavClient other = CalDavClient.standalone(new OutboundUrlGuard(List.of("127.0.0.0/8")),
                cal, org, "pw");

        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("Quarterly", "2026-02-01T10:00:00Z", 0, "confirmed"), 202);
        JsonNode merged = api.ok("POST", "/api/systems/" + graph + "/events", "application/json",
                graph("Quarterly", "2026-02-02T10:00:00Z"), 202).path("results").get(0);
        assertThat(merged.path("status").asString()).isEqualTo("merged");
        String eventId = merged.path("eventId").asString();
        awaitWrittenBack();
        assertThat(unified()).isEqualTo(1);

        CalDavClient.Changes onMaster = other.sync(null);
        assertThat(onMaster.changed()).hasSize(1);
        String body = other.multiget(List.of(onMaster.changed().get(0).href())).get(0).body();
        assertThat(body).contains("UID:quarterly@example.com", "SUMMARY:Quarterly", WriteBack.MARKER + ":" + eventId,
                "DTSTART;TZID=Europe/Berlin:20260414T100000", "mailto:bob@example.com", "mailto:carol@example.com");

        JsonNode event = api.ok("GET", "/api/events/" + eventId, null, null, 200);
        assertThat(event.path("master").path("status").asString()).isEqualTo("written");
        assertThat(event.path("master").path("systemType").asString()).isEqualTo("caldav");
        assertThat(event.path("copies")).hasSize(2);

        // the master reports our copy back: recognised, not ingested, not written again
        JsonNode echo = api.sync(master);
        assertThat(echo.path("echoes").asInt()).isEqualTo(1);
        assertThat(echo.path("results")).isEmpty();
        assertThat(unified()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from writeback_outbox where org = ?").param(org).query(Integer.class).single())
                .isZero();
        assertThat(api.ok("GET", "/api/events/" + eventId, null, null, 200).path("copies")).hasSize(2);

        // an update from Graph flows through to the same master resource
        api.ok("POST", "/api/systems/" + graph + "/events", "application/json",
                graph("Quarterly review", "2026-02-03T10:00:00Z"), 202);
        awaitWrittenBack();
        CalDavClient.Changes afterUpdate = other.sync(null);
        assertThat(afterUpdate.changed()).hasSize(1);
        assertThat(other.multiget(List.of(afterUpdate.changed().get(0).href())).get(0).body())
                .contains("SUMMARY:Quarterly review");
        assertThat(api.sync(master).path("echoes").asInt()).isEqualTo(1);
        assertThat(unified()).isEqualTo(1);

        // someone edits the master copy meanwhile: our PUT gets 412, we fetch, merge and write again
        KafkaConsumer<String, byte[]> consumer = calendarEventsFromNow();
        String href = afterUpdate.changed().get(0).href();
        CalDavClient.Resource current = other.get(href).orElseThrow();
        String theirs = current.body().replace("SUMMARY:Quarterly review", "SUMMARY:Quarterly review\r\nLOCATION:Room 7");
        other.put(href, theirs, current.etag());
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("Quarterly review (moved agenda)", "2026-02-05T10:00:00Z", 1, "confirmed"), 202);
        awaitWrittenBack();
        String afterConflict = other.get(href).orElseThrow().body();
        assertThat(afterConflict).contains("SUMMARY:Quarterly review (moved agenda)", "LOCATION:Room 7");
        assertThat(jdbc.sql("select data->>'location' from unified_event where id = ?::uuid").param(eventId)
                .query(String.class).single()).isEqualTo("Room 7");
        // ... and the merged result (the master's location) is published on calendar.events like any other change
        try (consumer) {
            List<JsonNode> upserts = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ReceivedEvent e = CloudEventCodec.read(r);
                    if (org.equals(e.tenant()) && e.type().equals("EventUpserted")) {
                        upserts.add(Api.JSON.readTree(e.data()));
                    }
                }
                return upserts.stream().anyMatch(d -> "Room 7".equals(d.path("event").path("location").asString()));
            });
            JsonNode merged2 = upserts.stream()
                    .filter(d -> "Room 7".equals(d.path("event").path("location").asString())).findFirst().orElseThrow();
            assertThat(merged2.path("id").asString()).isEqualTo(eventId);
            assertThat(merged2.path("sourceSystemId").asString()).isEqualTo(master);
            assertThat(merged2.path("event").path("title").asString()).isEqualTo("Quarterly review (moved agenda)");
        }

        // a delete arrives as a cancellation
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                google("Quarterly review (moved agenda)", "2026-02-06T10:00:00Z", 2, "cancelled"), 202);
        awaitWrittenBack();
        assertThat(other.get(href).orElseThrow().body()).contains("STATUS:CANCELLED");
        assertThat(other.sync(null).changed()).hasSize(1);
        assertThat(unified()).isEqualTo(1);
    }

    @Test
    void a_google_master_gets_its_copy_queued_for_pull_in_its_own_schema() {
        Api api = new Api(port, org);
        String master = api.createSystem("{\"type\":\"google\",\"name\":\"Google master\",\"master\":true}");
        String graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        api.ok("POST", "/api/systems/" + graph + "/events", "application/json", graph("Planning", "2026-02-02T10:00:00Z"), 202);
        awaitWrittenBack();
        JsonNode outbound = api.ok("GET", "/api/systems/" + master + "/outbound", null, null, 200);
        assertThat(outbound.path("items")).hasSize(1);
        JsonNode item = outbound.path("items").get(0).path("payload").path("items").get(0);
        assertThat(item.path("iCalUID").asString()).isEqualTo("quarterly@example.com");
        assertThat(item.path("start").path("timeZone").asString()).isEqualTo("Europe/Berlin");
        assertThat(item.path("extendedProperties").path("private").path("dataplatformEventId").asString())
                .isEqualTo(outbound.path("items").get(0).path("eventId").asString());
        // the master's own copy coming back is merged by iCalUID and not written back again
        api.ok("POST", "/api/systems/" + master + "/events", "application/json", item.toString(), 202);
        assertThat(unified()).isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from writeback_outbox where org = ?").param(org).query(Integer.class).single())
                .isZero();
    }

    @Test
    void the_masters_change_learnt_on_a_conflict_survives_an_undo_without_bringing_the_merged_copy_back() {
        Api api = new Api(port, org);
        String cal = radicale.calendar(org, "undo");
        api.createSystem("""
                {"type":"caldav","name":"Radicale","master":true,"baseUrl":"%s","username":"%s","password":"pw",
                 "timeZone":"Europe/Berlin"}""".formatted(cal, org));
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");
        CalDavClient other = CalDavClient.standalone(new OutboundUrlGuard(List.of("127.0.0.0/8")), cal, org, "pw");
        String googleCopy = """
                {"id":"g-plan","iCalUID":"plan-a@example.com","summary":"Budget planning","sequence":%d,%s
                 "updated":"%s","organizer":{"email":"ann@example.com"},
                 "start":{"dateTime":"2026-09-01T10:00:00Z","timeZone":"UTC"},
                 "end":{"dateTime":"2026-09-01T11:00:00Z","timeZone":"UTC"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}""";
        String eventId = api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                googleCopy.formatted(0, "", "2026-02-01T10:00:00Z"), 202).path("results").get(0).path("eventId")
                .asString();
        JsonNode merged = api.ok("POST", "/api/systems/" + graph + "/events", "application/json", """
                {"id":"o-plan","iCalUId":"plan-b@example.com","subject":"RE: Budget planning","type":"singleInstance",
                 "lastModifiedDateTime":"2026-02-02T10:00:00Z","organizer":{"emailAddress":{"address":"ann@example.com"}},
                 "start":{"dateTime":"2026-09-01T10:00:00.0000000","timeZone":"UTC"},
                 "end":{"dateTime":"2026-09-01T11:00:00.0000000","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"bob@example.com"}},
                              {"emailAddress":{"address":"carol@example.com"}}]}""", 202).path("results").get(0);
        assertThat(merged.path("reason").asString()).startsWith("fuzzy:");
        awaitWrittenBack();

        // the master holds the merged event (carol included); someone adds a room there
        String href = other.sync(null).changed().get(0).href();
        CalDavClient.Resource current = other.get(href).orElseThrow();
        assertThat(current.body()).contains("mailto:carol@example.com");
        other.put(href, current.body().replace("SUMMARY:", "LOCATION:Room 7\r\nSUMMARY:"), current.etag());
        // our next write-back gets 412, fetches theirs and learns the room
        api.ok("POST", "/api/systems/" + google + "/events", "application/json",
                googleCopy.formatted(1, "\"description\":\"Numbers attached\",", "2026-02-03T10:00:00Z"), 202);
        awaitWrittenBack();
        assertThat(jdbc.sql("select data->>'location' from unified_event where id = ?::uuid").param(eventId)
                .query(String.class).single()).isEqualTo("Room 7");
        assertThat(jdbc.sql("select kind from event_merge_change where org = ? order by id").param(org)
                .query(String.class).list()).containsExactly("copy", "master");

        String split = api.ok("POST", "/api/events/" + eventId + "/unmerge", null, null, 200).path("splitEventId")
                .asString();
        JsonNode survivor = api.ok("GET", "/api/events/" + eventId, null, null, 200).path("unified");
        assertThat(survivor.path("location").asString()).as("the master's change").isEqualTo("Room 7");
        assertThat(survivor.path("description").asString()).as("its own later copy").isEqualTo("Numbers attached");
        assertThat(survivor.path("attendees").findValuesAsString("email"))
                .as("the master's copy repeats carol, who came with the merged copy: not replayed")
                .doesNotContain("carol@example.com");
        JsonNode splitOff = api.ok("GET", "/api/events/" + split, null, null, 200).path("unified");
        assertThat(splitOff.path("attendees").findValuesAsString("email")).contains("carol@example.com");
        assertThat(splitOff.path("location").isNull() || splitOff.path("location").isMissingNode()).isTrue();
    }
}
