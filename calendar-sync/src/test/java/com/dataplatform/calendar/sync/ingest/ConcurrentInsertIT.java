package com.dataplatform.calendar.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuitePostgres;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The rare path of the batched insert: a unified row with the pushed iCalUID is inserted by a writer that does not take
 * the ingestion locks (here a raw transaction, in the service an undone merge's split-off event) and commits while the
 * push waits on it. The push must land on that row as a merge — one unified event, the raw copy and the outbox rows
 * pointing at it — not fail and not create a second event.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class ConcurrentInsertIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "ci" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private static String google(String uid, String title, String organizer, String start, String end) {
        return """
                {"id":"g-%s","iCalUID":"%s","summary":"%s","updated":"2026-02-01T10:00:00Z",
                 "organizer":{"email":"%s"},
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"}}"""
                .formatted(uid, uid, title, organizer, start, end);
    }

    @Test
    void a_row_inserted_concurrently_without_the_locks_receives_the_push_as_a_merge() throws Exception {
        Api api = new Api(port, org);
        String system = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        api.ok("POST", "/api/systems/" + system + "/events", "application/json",
                google("template@ci", "Template", "a@example.com", "2026-05-04T09:00:00Z", "2026-05-04T10:00:00Z"), 202);
        String uid = "raced-" + UUID.randomUUID() + "@ci";
        UUID theirs = UUID.randomUUID();
        SuitePostgres.Connection pg = SuitePostgres.get();
        try (Connection other = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            other.setAutoCommit(false);
            try (PreparedStatement insert = other.prepareStatement("""
                    insert into calendar_sync.unified_event (id, org, ical_uid, recurrence_key, sequence, data, organizer,
                                                             start_at, recurring)
                    select ?, org, ?, '', sequence, jsonb_set(data, '{uid}', to_jsonb(cast(? as text))), organizer,
                           start_at, recurring
                    from calendar_sync.unified_event where org = ? and ical_uid = 'template@ci'""")) {
                insert.setObject(1, theirs);
                insert.setString(2, uid);
                insert.setString(3, uid);
                insert.setString(4, org);
                assertThat(insert.executeUpdate()).isEqualTo(1);
            }
            // another organizer and start: the fuzzy rule cannot pick the template, only the iCalUID conflict remains
            CompletableFuture<HttpResponse<String>> push = CompletableFuture.supplyAsync(() -> api.send("POST",
                    "/api/systems/" + system + "/events", "application/json",
                    google(uid, "Raced", "b@example.com", "2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z")));
            await().atMost(Duration.ofSeconds(60)).until(() -> push.isDone() || jdbc.sql("""
                    select count(*) from pg_stat_activity where wait_event_type = 'Lock' and query like '%unified_event%'""")
                    .query(Integer.class).single() > 0);
            assertThat(push.isDone()).as("the push waits for the uncommitted row").isFalse();
            other.commit();

            HttpResponse<String> r = push.get();
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
            JsonNode result = Api.JSON.readTree(r.body()).path("results").get(0);
            assertThat(result.path("status").asString()).isEqualTo("merged");
            assertThat(result.path("reason").asString()).contains("stored concurrently");
            assertThat(result.path("eventId").asString()).isEqualTo(theirs.toString());
        }
        assertThat(jdbc.sql("select id from unified_event where org = ? and ical_uid = ?").params(org, uid)
                .query(UUID.class).list()).containsExactly(theirs);
        assertThat(jdbc.sql("select unified_event_id from raw_event where org = ? and ical_uid = ?").params(org, uid)
                .query(UUID.class).list()).containsExactly(theirs);
        assertThat(jdbc.sql("select data->>'title' from unified_event where id = ?").param(theirs).query(String.class)
                .single()).as("merged field by field; the copies are equally new, so the stored one keeps its title")
                .isEqualTo("Template");
    }
}
