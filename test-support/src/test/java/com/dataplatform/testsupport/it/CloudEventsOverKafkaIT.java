package com.dataplatform.testsupport.it;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Publishing and consuming suite events through a real broker: headers, idempotency by ce_id, dead letters. */
@SpringBootTest
@SuiteInfrastructure
class CloudEventsOverKafkaIT {

    @Autowired
    EventPublisher publisher;

    @Autowired
    JdbcClient jdbc;

    @BeforeAll
    static void topics() throws Exception {
        try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", SuiteKafka.bootstrapServers()))) {
            var existing = admin.listTopics().names().get();
            for (String t : List.of("embed.views", "embed.views.dlt")) {
                if (!existing.contains(t)) {
                    admin.createTopics(List.of(new NewTopic(t, 1, (short) 1))).all().get();
                }
            }
        }
    }

    @Test
    void a_published_event_is_applied_once_even_when_delivered_twice() throws Exception {
        String page = "page-" + UUID.randomUUID();
        OutgoingEvent event = OutgoingEvent.of(TopicCatalog.EMBED_VIEWS, "EmbedViewed", page, "acme", page,
                Map.of("page", page));
        publisher.publish(event).get();
        publisher.publish(event).get(); // same ce_id: a redelivery after a crash

        await().atMost(Duration.ofSeconds(30)).until(() -> count(page) >= 1);
        OutgoingEvent second = OutgoingEvent.of(TopicCatalog.EMBED_VIEWS, "EmbedViewed", page, "acme", page,
                Map.of("page", page));
        publisher.publish(second).get();
        await().atMost(Duration.ofSeconds(30)).until(() -> count(page) == 2);
        assertThat(jdbc.sql("select event_id from applied_view where page = ?").param(page).query(String.class).list())
                .containsExactlyInAnyOrder(event.id(), second.id());
    }

    @Test
    void a_record_that_is_not_a_cloud_event_goes_to_the_dead_letter_topic() throws Exception {
        String key = "poison-" + UUID.randomUUID();
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", SuiteKafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>("embed.views", key, "{\"page\":\"p\"}".getBytes(UTF_8))).get();
        }
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", SuiteKafka.bootstrapServers(), "group.id", "dlt-check-" + UUID.randomUUID(),
                "auto.offset.reset", "earliest"), new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("embed.views.dlt"));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (key.equals(r.key())) {
                        String reason = new String(r.headers().lastHeader("kafka_dlt-exception-message").value(), UTF_8);
                        assertThat(reason).contains("ce_specversion");
                        return true;
                    }
                }
                return false;
            });
        }
    }

    private int count(String page) {
        return jdbc.sql("select count(*) from applied_view where page = ?").param(page).query(Integer.class).single();
    }
}
