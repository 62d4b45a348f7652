package com.dataplatform.common.topics;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TopicCatalogTest {

    @Test
    void topic_names_are_unique_and_follow_domain_dot_stream() {
        Set<String> names = new HashSet<>();
        for (Topic t : TopicCatalog.all()) {
            assertThat(names.add(t.name())).as("duplicate " + t.name()).isTrue();
            assertThat(t.name()).matches("[a-z]+\\.[a-z]+");
            assertThat(t.partitions()).isPositive();
            assertThat(t.retention()).isPositive();
            assertThat(t.eventTypes()).isNotEmpty().allSatisfy(type -> assertThat(type).matches("[A-Z][A-Za-z]+"));
            assertThat(TopicCatalog.byName(t.name())).contains(t);
        }
    }

    @Test
    void names_the_topics_the_service_issues_depend_on() {
        assertThat(TopicCatalog.byName("datasets.changes")).hasValueSatisfying(t -> {
            assertThat(t.owner()).isEqualTo(SuiteService.DATAFLOW_SCHEDULER);
            assertThat(t.consumers()).contains(SuiteService.ANALYTICS_EMBED);
            assertThat(t.eventTypes()).contains("DatasetUpdated");
        });
        assertThat(TopicCatalog.byName("deploy.events")).hasValueSatisfying(t -> {
            assertThat(t.owner()).isEqualTo(SuiteService.CI_DEPLOY);
            assertThat(t.eventTypes()).contains("VersionPromoted");
        });
        assertThat(TopicCatalog.byName("extract.records")).hasValueSatisfying(
                t -> assertThat(t.owner()).isEqualTo(SuiteService.BULK_EXTRACT));
        for (String name : new String[] {"dataflow.commands", "dataflow.runs", "streams.ownership", "extract.jobs",
                "calendar.inbound", "calendar.events", "embed.views"}) {
            assertThat(TopicCatalog.byName(name)).as(name).isPresent();
        }
    }

    @Test
    void every_service_owns_at_least_one_topic_and_dead_letter_topics_are_named_after_theirs() {
        for (SuiteService s : SuiteService.values()) {
            assertThat(TopicCatalog.ownedBy(s)).as(s.id()).isNotEmpty();
            assertThat(SuiteService.byId(s.id())).contains(s);
            assertThat(s.schema()).matches("[a-z][a-z_]+");
        }
        assertThat(TopicCatalog.DATASETS_CHANGES.deadLetterTopic()).isEqualTo("datasets.changes.dlt");
        assertThat(SuiteService.byId("nope")).isEmpty();
    }
}
