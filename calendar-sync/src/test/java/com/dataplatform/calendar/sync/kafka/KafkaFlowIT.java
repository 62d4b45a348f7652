package com.dataplatform.calendar.sync.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** calendar.inbound is applied once per ce_id; every change is published on calendar.events from the outbox. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class KafkaFlowIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    EventPublisher publisher;

    @Autowired
    JsonMapper json;

    private final String org = "kf" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    @Test
    void inbound_events_are_ingested_once_per_id_and_changes_are_published() throws Exception {
        Api api = new Api(port, org);
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String caldav = api.createSystem("{\"type\":\"caldav\",\"name\":\"Cal\",\"master\":false,"
                + "\"baseUrl\":\"http://127.0.0.1:9/cal/\"}");
        try (KafkaConsumer<String, byte[]> consumer = consumer()) {
            List<org.apache.kafka.common.TopicPartition> partitions = consumer.partitionsFor("calendar.events").stream()
                    .map(i -> new org.apache.kafka.common.TopicPartition(i.topic(), i.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);

            JsonNode payload = json.readTree("""
                    {"items":[{"id":"k1","iCalUID":"kafka-1@x","summary":"Via Kafka",
                      "start":{"dateTime":"2026-06-01T10:00:00Z"},"end":{"dateTime":"2026-06-01T11:00:00Z"}}]}""");
            String ceId = UUID.randomUUID().toString();
            OutgoingEvent in = OutgoingEvent.of(TopicCatalog.CALENDAR_INBOUND, "CalendarEventReceived", google, org,
                    google, payload).withId(ceId);
            publisher.publish(in).get();
            publisher.publish(in).get(); // redelivery of the same ce_id
            String ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\nUID:kafka-2@x\r\n"
                    + "DTSTAMP:20260101T000000Z\r\nDTSTART:20260602T100000Z\r\nDTEND:20260602T110000Z\r\n"
                    + "SUMMARY:iCal via Kafka\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
            publisher.publish(OutgoingEvent.of(TopicCatalog.CALENDAR_INBOUND, "CalendarEventReceived", caldav, org,
                    caldav, Map.of("iCalendar", ics))).get();

            await().atMost(Duration.ofSeconds(60)).until(() -> jdbc.sql(
                    "select count(*) from unified_event where org = ?").param(org).query(Integer.class).single() == 2);
            await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                    "select count(*) from raw_event where org = ?").param(org).query(Integer.class).single() == 2);

            List<ReceivedEvent> published = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    ReceivedEvent e = CloudEventCodec.read(r);
                    if (org.equals(e.tenant())) {
                        published.add(e);
                    }
                }
                return published.size() >= 2;
            });
            assertThat(published).extracting(ReceivedEvent::type).containsOnly("EventUpserted");
            JsonNode data = json.readTree(published.get(0).data());
            assertThat(data.path("event").path("uid").asString()).startsWith("kafka-");
            assertThat(published.get(0).key()).isEqualTo(data.path("id").asString());
        }
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers());
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        return new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer());
    }
}
