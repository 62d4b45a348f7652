package com.dataplatform.dataflow.scheduler.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CatalogRelationTest {

    @Test
    void the_orgs_lake_tables_are_read_as_quoted_identifiers_whether_stored_quoted_or_bare() {
        assertThat(CatalogRelation.allowed("acme", "sales", "\"lake_acme\".\"sales\"", "dataflow-scheduler").sql())
                .isEqualTo("\"lake_acme\".\"sales\"");
        assertThat(CatalogRelation.allowed("acme", "sales", "lake_acme.sales_2", "anyone").sql())
                .isEqualTo("\"lake_acme\".\"sales_2\"");
    }

    @Test
    void an_apps_live_view_is_read_when_the_app_registered_it() {
        assertThat(CatalogRelation.allowed("acme", "daily_totals__orders", "\"app_daily_totals\".\"orders\"",
                "ci-deploy-service:daily-totals").sql()).isEqualTo("\"app_daily_totals\".\"orders\"");
        assertThat(CatalogRelation.allowed("acme", "x", "app_a1.t", "ci-deploy-service:a1").sql())
                .isEqualTo("\"app_a1\".\"t\"");
    }

    @Test
    void an_apps_view_registered_by_another_producer_or_a_version_schema_is_refused() {
        assertThatThrownBy(() -> CatalogRelation.allowed("acme", "d", "\"app_shop\".\"orders\"", "dataflow-scheduler"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source dataset 'd'").hasMessageContaining("ci-deploy-service:shop");
        assertThatThrownBy(() -> CatalogRelation.allowed("acme", "d", "\"app_other\".\"orders\"",
                "ci-deploy-service:shop")).isInstanceOf(IllegalStateException.class);
        // the version schema of app "shop" has the shape of the live schema of an app "shop-v1"
        assertThatThrownBy(() -> CatalogRelation.allowed("acme", "d", "app_shop_v1.orders", "ci-deploy-service:shop"))
                .isInstanceOf(IllegalStateException.class);
    }

    @ParameterizedTest
    @ValueSource(strings = {"lake_other.sales", "\"lake_other\".\"sales\"", "pg_catalog.pg_authid", "public.t",
            "lake.datasets", "sales", "lake_acme", "lake_acme.", ".sales", "lake_acme.sales.x", "\"lake_acme\".sales;drop",
            "lake_acme.sales; drop table x", "\"lake_acme\".\"sa\"\"les\"", "\"lake_acme\".\"Sales\"", "LAKE_ACME.SALES",
            "lake_acme .sales", "\"lake_acme\"\"x\".\"s\"", "\"lake_acme.sales\"", "lake_acme.\"s", "app_.t",
            "app_a__b.t", "app_Shop.t", "(select 1).x", "lake_acme.sales\u0000", "", " "})
    void any_other_relation_text_is_refused_with_a_message_naming_the_dataset(String relation) {
        assertThatThrownBy(() -> CatalogRelation.allowed("acme", "src", relation, "ci-deploy-service:a"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("source dataset 'src' cannot be read")
                .hasMessageContaining("is not allowed");
    }

    @Test
    void a_missing_relation_is_refused() {
        assertThatThrownBy(() -> CatalogRelation.allowed("acme", "src", null, null))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("'null'");
    }

    @Test
    void idempotency_keys_fit_the_queue_limit_and_differ_per_dataflow() {
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        String id = UUID.randomUUID().toString();
        assertThat(DeployEventListener.idempotencyKey(id, a)).isEqualTo("deploy:" + id + ":" + a)
                .isNotEqualTo(DeployEventListener.idempotencyKey(id, b));
        String huge = "x".repeat(5000);
        assertThat(DeployEventListener.idempotencyKey(huge, a)).hasSizeLessThanOrEqualTo(200)
                .isNotEqualTo(DeployEventListener.idempotencyKey(huge + "y", a));
    }
}
