package com.dataplatform.ci.deploy.bundle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.ci.deploy.app.AppName;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DescriptorParserTest {

    private static final AppName APP = new AppName("daily-totals");

    private static final String VALID = """
            name: daily-totals
            build: "true"
            run: "java -cp $APP_CLASSPATH App.java"
            reads: [lake.sales, lake_acme.customers, app_other_app.scores]
            writes: [daily_totals]
            schedule: "every 60s"
            tests:
              - name: has rows
                sql: "select count(*) > 0 from {{daily_totals}}"
              - name: totals match source
                sql: "select (select sum(total) from {{daily_totals}}) = (select sum(amount) from {{lake.sales}})"
            resources: {memoryMb: 256, timeoutSeconds: 120}
            """;

    @Test
    void parses_the_issue_example() {
        AppDescriptor d = DescriptorParser.parse(VALID, APP, "acme");
        assertThat(d.writes()).containsExactly("daily_totals");
        assertThat(d.reads()).extracting(AppDescriptor.Input::schema)
                .containsExactly("lake_acme", "lake_acme", "app_other_app");
        assertThat(d.reads().get(2).app()).isEqualTo("other-app");
        assertThat(d.schedule()).isEqualTo(Duration.ofSeconds(60));
        assertThat(d.tests().get(1).sql()).isEqualTo("select (select sum(total) from {{version_schema}}."
                + "\"daily_totals\") = (select sum(amount) from \"lake_acme\".\"sales\")");
        assertThat(d.memoryMb()).isEqualTo(256);
        assertThat(d.timeout()).isEqualTo(Duration.ofSeconds(120));
    }

    @Test
    void once_is_the_default_schedule() {
        assertThat(DescriptorParser.parse(VALID.replace("schedule: \"every 60s\"\n", ""), APP, "acme").every())
                .isEmpty();
        assertThat(DescriptorParser.parse(VALID.replace("\"every 60s\"", "once"), APP, "acme").every()).isEmpty();
    }

    @Test
    void refuses_unknown_and_duplicate_keys_and_wrong_types() {
        assertField(VALID + "colour: blue\n", "app.yaml/colour", false);
        assertField(VALID.replace("memoryMb: 256", "memoryMb: 256, cpu: 2"), "app.yaml/resources/cpu", false);
        assertField(VALID.replace("  - name: has rows", "  - name: has rows\n    retries: 3"),
                "app.yaml/tests[0]/retries", false);
        assertField(VALID + "run: again\n", "app.yaml/", false);
        assertField(VALID.replace("memoryMb: 256", "memoryMb: lots"), "app.yaml/resources/memoryMb", false);
        assertField(VALID.replace("\"every 60s\"", "\"hourly\""), "app.yaml/schedule", false);
        assertField(VALID.replace("writes: [daily_totals]", "writes: []"), "app.yaml/writes", false);
    }

    @Test
    void refuses_writes_outside_the_app_and_reads_outside_the_org() {
        assertField(VALID.replace("writes: [daily_totals]", "writes: [lake.daily_totals]"), "app.yaml/writes[0]",
                true);
        assertField(VALID.replace("writes: [daily_totals]", "writes: [\"Daily Totals\"]"), "app.yaml/writes[0]",
                true);
        assertField(VALID.replace("lake_acme.customers", "lake_globex.customers"), "app.yaml/reads[1]", true);
        assertField(VALID.replace("lake_acme.customers", "public.customers"), "app.yaml/reads[1]", true);
        assertField(VALID.replace("lake_acme.customers", "app_daily_totals.x"), "app.yaml/reads[1]", true);
        assertField(VALID.replace("name: daily-totals", "name: other"), "app.yaml/name", true);
    }

    @Test
    void refuses_tests_that_are_not_one_read_only_select() {
        assertField(VALID.replace("select count(*) > 0 from {{daily_totals}}", "truncate {{daily_totals}}"),
                "app.yaml/tests[0]/sql", true);
        assertField(VALID.replace("select count(*) > 0 from {{daily_totals}}", "select 1; select 2"),
                "app.yaml/tests[0]/sql", true);
        assertField(VALID.replace("{{daily_totals}}\"\n  ", "{{secret}}\"\n  "), "app.yaml/tests[0]/sql", true);
    }

    private static void assertField(String yaml, String field, boolean semantic) {
        assertThatThrownBy(() -> DescriptorParser.parse(yaml, APP, "acme"))
                .isInstanceOfSatisfying(DescriptorException.class, e -> {
                    assertThat(e.field()).isEqualTo(field);
                    assertThat(e.semantic()).as(e.getMessage()).isEqualTo(semantic);
                });
    }
}
