package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The metric-name extraction the dashboard check relies on. */
class PromQlNamesTest {

    @Test
    void metric_names_are_found_and_functions_labels_ranges_and_variables_are_not() {
        assertThat(DashboardMetricsIT.metricNames(
                "histogram_quantile(0.99, sum by (le, uri) (rate(http_server_requests_seconds_bucket{job=~\"$service\", uri!=\"/x\"}[5m])))"))
                .containsExactly("http_server_requests_seconds_bucket");
        assertThat(DashboardMetricsIT.metricNames(
                "sum(rate(a_total[$__rate_interval])) / ignoring(x) sum(b_count{s=\"1\"}) * 100 > bool 0.5e3"))
                .containsExactly("a_total", "b_count");
        assertThat(DashboardMetricsIT.metricNames("max without (node) (stream_distributor_owned) offset 5m"))
                .containsExactly("stream_distributor_owned");
        assertThat(DashboardMetricsIT.metricNames("up")).containsExactly("up");
    }

    @Test
    void sample_names_of_an_exposition_include_histogram_series_and_skip_comments() {
        assertThat(DashboardMetricsIT.sampleNames("""
                # HELP x_seconds a timer
                # TYPE x_seconds histogram
                x_seconds_bucket{le="0.1"} 1
                x_seconds_count 1
                jvm_threads_live_threads 12.0
                """)).containsExactlyInAnyOrder("x_seconds_bucket", "x_seconds_count", "jvm_threads_live_threads");
    }
}
