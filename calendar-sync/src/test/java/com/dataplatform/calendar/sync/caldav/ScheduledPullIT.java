package com.dataplatform.calendar.sync.caldav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * The scheduled CalDAV pull ({@code calendar.caldav.poll-interval}, 1 s here): changes on the server arrive without
 * anyone calling sync. Its own context, closed after the class, so its fast poller does not run under other tests.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY, "calendar.caldav.poll-interval=1s"})
@SuiteInfrastructure
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
class ScheduledPullIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "poll" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Radicale radicale = Radicale.get();

    private String title(String uid) {
        return jdbc.sql("select data->>'title' from unified_event where org = ? and ical_uid = ?").params(org, uid)
                .query(String.class).optional().orElse(null);
    }

    @Test
    void changes_on_the_server_are_pulled_on_schedule_without_a_sync_request() {
        String cal = radicale.calendar(org, "polled");
        radicale.send(org, "PUT", cal + "a.ics", CalDavSyncIT.ics("a@poll", "First", 0), null);
        new Api(port, org).createSystem("""
                {"type":"caldav","name":"Polled","master":false,"baseUrl":"%s","username":"%s","password":"pw"}"""
                .formatted(cal, org));

        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200))
                .until(() -> "First".equals(title("a@poll")));

        String etag = radicale.send(org, "GET", cal + "a.ics", null, null).headers().firstValue("ETag").orElseThrow();
        assertThat(radicale.send(org, "PUT", cal + "a.ics", CalDavSyncIT.ics("a@poll", "First edited", 1), etag)
                .statusCode()).isIn(201, 204);
        radicale.send(org, "PUT", cal + "b.ics", CalDavSyncIT.ics("b@poll", "Second", 0), null);
        await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(200))
                .until(() -> "First edited".equals(title("a@poll")) && "Second".equals(title("b@poll")));
        assertThat(jdbc.sql("select count(*) from raw_event where org = ?").param(org).query(Integer.class).single())
                .isEqualTo(3);
        assertThat(jdbc.sql("select last_sync_at is not null and last_sync_error is null from calendar_system"
                + " where org = ?").param(org).query(Boolean.class).single()).isTrue();
    }
}
