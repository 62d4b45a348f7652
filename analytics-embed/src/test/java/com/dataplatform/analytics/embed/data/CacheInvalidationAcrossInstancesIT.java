package com.dataplatform.analytics.embed.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.analytics.embed.Api;
import com.dataplatform.analytics.embed.EmbedFixture;
import com.dataplatform.analytics.embed.LakeFixture;
import com.dataplatform.analytics.embed.SecondInstance;
import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuiteKafka;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupListing;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * {@code datasets.changes} is a broadcast to every instance's cache: each instance reads every partition (manual
 * assignment, no consumer group), from the end of the topic as of its start. One second instance serves all tests
 * (started once, after an event it must not replay).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CacheInvalidationAcrossInstancesIT {

    private final String lateOrg = EmbedFixture.freshOrg("late");
    private SecondInstance other;

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EventPublisher events;
    @Autowired
    ResultCache cache;
    @Autowired
    CacheInvalidationConsumer consumer;

    @BeforeAll
    void startSecondInstanceAfterAnEvent() {
        datasetUpdated(lateOrg, "before_start"); // same key → same partition as the later event: ordered
        await().atMost(Duration.ofSeconds(60))
                .until(() -> cache.generation(ResultCache.dataset(lateOrg, "before_start")) == 1);
        other = SecondInstance.start();
    }

    @AfterAll
    void stopSecondInstance() {
        if (other != null) {
            other.close();
        }
    }

    @Test
    void one_dataset_updated_event_invalidates_the_caches_of_every_instance() {
        Api api = new Api(port);
        LakeFixture lake = new LakeFixture(jdbc);
        EmbedFixture f = EmbedFixture.create(api, lake, EmbedFixture.freshOrg("ii"),
                List.of(List.of("north", "apples", 10, 1)), List.of());
        Api otherApi = new Api(other.port());
        for (Api a : List.of(api, otherApi)) {
            assertThat(a.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"10\"");
        }
        lake.replaceRows(f.org, "sales", List.of(List.of("north", "apples", 100, 1)));
        lake.catalog(f.org, "sales");
        for (Api a : List.of(api, otherApi)) { // both serve from their caches until the event
            assertThat(a.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"10\"");
        }

        datasetUpdated(f.org, "sales");
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
            assertThat(api.get("/p/sales", f.org).body()).contains("data-label=\"north\" data-value=\"100\"");
            assertThat(otherApi.get("/p/sales", f.org).body())
                    .contains("data-label=\"north\" data-value=\"100\"");
        });
    }

    @Test
    void an_instance_reads_events_published_after_its_start_only() {
        ResultCache otherCache = other.bean(ResultCache.class);
        datasetUpdated(lateOrg, "after_start");
        await().atMost(Duration.ofSeconds(60))
                .until(() -> otherCache.generation(ResultCache.dataset(lateOrg, "after_start")) == 1);
        assertThat(otherCache.generation(ResultCache.dataset(lateOrg, "before_start"))).as("replayed").isZero();
        assertThat(cache.generation(ResultCache.dataset(lateOrg, "after_start"))).isEqualTo(1);
    }

    @Test
    void the_invalidation_consumer_reads_every_partition_and_leaves_no_consumer_group_behind() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                SuiteKafka.bootstrapServers()))) {
            int partitions = admin.describeTopics(List.of(CacheInvalidationConsumer.TOPIC)).allTopicNames().get()
                    .get(CacheInvalidationConsumer.TOPIC).partitions().size();
            assertThat(consumer.partitions()).hasSize(partitions);
            assertThat(other.bean(CacheInvalidationConsumer.class).partitions()).hasSize(partitions);
            List<String> groups = admin.listConsumerGroups().all().get().stream().map(ConsumerGroupListing::groupId)
                    .toList();
            assertThat(groups).noneMatch(g -> g.startsWith("analytics-embed-cache"));
        }
    }

    private void datasetUpdated(String org, String dataset) {
        events.publish(OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", org + ".changes", org,
                dataset, Map.of("dataset", dataset, "version", 2, "rowCount", 1))).join();
    }
}
