package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class KafkaInvalidationIT {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EventPublisher events;

    @Test
    void a_dataset_updated_event_makes_the_next_render_show_the_new_numbers() {
        Api api = new Api(port);
        LakeFixture lake = new LakeFixture(jdbc);
        EmbedFixture f = EmbedFixture.create(api, lake, EmbedFixture.freshOrg("k"),
                List.of(List.of("north", "apples", 10, 1), List.of("south", "pears", 5, 2)), List.of());
        assertThat(api.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"10\"");

        lake.replaceRows(f.org, "sales", List.of(List.of("north", "apples", 100, 1), List.of("south", "pears", 5, 2)));
        lake.catalog(f.org, "sales");
        // without the event the cached numbers stay (the cache is what makes warm renders cheap)
        assertThat(api.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"10\"");

        events.publish(OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", f.org + ".sales", f.org,
                "sales", Map.of("dataset", "sales", "version", 2, "rowCount", 2)));
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() ->
                assertThat(api.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"100\"",
                        "class=\"kpi-value\" data-value=\"105\""));
    }

    @Test
    void every_area_render_publishes_embed_viewed_keyed_by_page() {
        Api api = new Api(port);
        EmbedFixture f = EmbedFixture.create(api, new LakeFixture(jdbc), EmbedFixture.freshOrg("v"),
                List.of(List.of("north", "apples", 10, 1)), List.of());
        String token = f.token(api, Map.of(), 300);
        assertThat(api.get("/p/sales?token=" + token, null).statusCode()).isEqualTo(200);

        Properties p = new Properties();
        p.put("bootstrap.servers", SuiteKafka.bootstrapServers());
        p.put("group.id", "embed-views-test-" + f.org);
        p.put("auto.offset.reset", "earliest");
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(TopicCatalog.EMBED_VIEWS.name()));
            List<JsonNode> mine = new ArrayList<>();
            await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                    if (f.page.toString().equals(r.key())) {
                        assertThat(new String(r.headers().lastHeader("ce_type").value(), StandardCharsets.UTF_8))
                                .isEqualTo("EmbedViewed");
                        mine.add(Api.JSON.readTree(r.value()));
                    }
                }
                return mine.size() >= 3;
            });
            assertThat(mine).extracting(n -> n.path("area").asString())
                    .containsExactlyInAnyOrder(f.bar, f.table, f.kpi);
            assertThat(mine).allSatisfy(n -> {
                assertThat(n.path("org").asString()).isEqualTo(f.org);
                assertThat(n.path("page").asString()).isEqualTo(f.page.toString());
                assertThat(n.path("durationMs").asLong()).isGreaterThanOrEqualTo(0);
                assertThat(n.path("viaToken").asBoolean()).isTrue();
            });
        }
    }
}
