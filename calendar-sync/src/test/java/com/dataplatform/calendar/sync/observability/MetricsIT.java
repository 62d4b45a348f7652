package com.dataplatform.calendar.sync.observability;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.TestJwts;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.TestPropertySource;

/** What the ops dashboard reads: error counters exist at 0 from the start, and a failed CalDAV pull is counted. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class MetricsIT {

    @LocalServerPort
    int port;

    private String scrape() throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://localhost:"
                + port + "/actuator/prometheus")).header("Authorization", TestJwts.bearer("ops", "ops")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    private static double value(String exposition, String series) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(series) + "(?:\\{[^}]*})? ([0-9.eE+-]+)$").matcher(exposition);
        assertThat(m.find()).as(series + " is exported").isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void error_counters_are_exported_at_zero_and_a_failed_caldav_pull_counts_as_a_sync_error() throws Exception {
        String before = scrape();
        for (String series : new String[] {"calendar_writeback_failures_total", "calendar_writeback_conflicts_total",
                "calendar_writeback_puts_total", "calendar_echoes_suppressed_total", "calendar_sync_errors_total"}) {
            assertThat(value(before, series)).as(series).isGreaterThanOrEqualTo(0);
        }
        int closed;
        try (ServerSocket s = new ServerSocket(0)) {
            closed = s.getLocalPort(); // nothing listens there once the socket is closed
        }
        Api api = new Api(port, "m" + UUID.randomUUID().toString().replace("-", "").substring(0, 8));
        String system = api.createSystem("""
                {"type":"caldav","name":"Gone","master":false,"baseUrl":"http://127.0.0.1:%d/cal/","username":"u",
                 "password":"pw"}""".formatted(closed));
        HttpResponse<String> failed = api.send("POST", "/api/systems/" + system + "/sync", null, null);
        assertThat(failed.statusCode()).as(failed.body()).isGreaterThanOrEqualTo(400);
        assertThat(value(scrape(), "calendar_sync_errors_total"))
                .isEqualTo(value(before, "calendar_sync_errors_total") + 1);
    }
}
