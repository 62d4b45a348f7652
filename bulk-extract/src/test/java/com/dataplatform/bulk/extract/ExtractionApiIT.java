package com.dataplatform.bulk.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.bulk.extract.support.Http;
import com.dataplatform.bulk.extract.support.JobEvents;
import com.dataplatform.bulk.extract.support.RecordsReader;
import com.dataplatform.bulk.extract.support.RecordsReader.Rec;
import org.springframework.test.annotation.DirtiesContext;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
// closed after the class: its extraction worker must not take jobs of the crash tests' nodes
@DirtiesContext
class ExtractionApiIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    MeterRegistry meters;

    Http http;

    @BeforeEach
    void setUp() {
        http = new Http(port);
    }

    private int count(String sql, Object... params) {
        var q = jdbc.sql(sql);
        for (int i = 0; i < params.length; i++) {
            q = q.param(i + 1, params[i]);
        }
        return q.query(Integer.class).single();
    }

    @Test
    void every_job_event_is_published_once_in_order_from_the_outbox_with_the_request_that_caused_it() {
        String org = "apievents";
        assertThat(http.post(org, "/api/sources/contacts/records", """
                {"upserts": [{"id": "e1", "userId": "u1", "data": {}}, {"id": "e2", "userId": "u1", "data": {}},
                             {"id": "e3", "userId": "u2", "data": {}}]}""").status()).isEqualTo(200);
        var started = http.post(org, "/api/extractions", "{\"entities\": [\"contacts\"]}", "req-start-1");
        assertThat(started.status()).isEqualTo(202);
        String id = started.body().path("id").asString();
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get(org, "/api/extractions/" + id).body()
                .path("status").asString().equals("STREAMING"));
        assertThat(http.post(org, "/api/extractions/" + id + "/cancel", "", "req-cancel-1").status()).isEqualTo(200);
        try (JobEvents events = new JobEvents(id)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.types(Duration.ofMillis(300))
                    .contains("ExtractionCancelled"));
            var all = events.poll(Duration.ofMillis(500));
            assertThat(all).extracting(JobEvents.Event::type)
                    .containsExactly("ExtractionStarted", "SnapshotCompleted", "ExtractionCancelled");
            assertThat(all).extracting(JobEvents.Event::tenant).containsOnly(org);
            assertThat(all.get(0).requestId()).isEqualTo("req-start-1");
            assertThat(all.get(0).data().path("watermark").asLong())
                    .isEqualTo(started.body().path("watermark").asLong());
            assertThat(all.get(1).data().path("rows").asInt()).isEqualTo(3);
            assertThat(all.get(2).requestId()).isEqualTo("req-cancel-1");
        }
        assertThat(count("select count(*) from outbox where key = ?", id)).as("relayed rows are deleted").isZero();
    }

    @Test
    void a_batch_of_upserts_and_deletes_is_applied_and_every_row_change_reaches_the_feed() {
        long before = jdbc.sql("select head from relay_state").query(Long.class).single();
        var r = http.post("apione", "/api/sources/contacts/records", """
                {"upserts": [{"id": "a", "userId": "u1", "data": {"name": "Ann"}},
                             {"id": "b", "userId": "u1", "data": {"name": "Bob"}}]}""");
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        r = http.post("apione", "/api/sources/contacts/records", """
                {"upserts": [{"id": "a", "userId": "u2", "data": {"name": "Ann B."}}], "deletes": ["b", "nope"]}""");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.body().path("upserted").asInt()).isEqualTo(1);
        assertThat(jdbc.sql("select user_id || ':' || (payload->>'name') from contacts where org = 'apione'")
                .query(String.class).list()).containsExactly("u2:Ann B.");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.sql("""
                select op || ':' || record_id || ':' || user_id || ':' || coalesce(old_user_id, '-') from change_feed
                where org = 'apione' and version > :v order by version""").param("v", before).query(String.class).list())
                .containsExactly("upsert:a:u1:-", "upsert:b:u1:-", "upsert:a:u2:u1", "delete:b:u1:u1"));
    }

    @Test
    void writes_made_directly_in_sql_by_another_app_are_captured_in_commit_order() {
        jdbc.sql("insert into activities (org, id, user_id, payload) values ('apisql', 'x', 'u1', '{\"n\": 1}')").update();
        jdbc.sql("update activities set payload = '{\"n\": 2}' where org = 'apisql' and id = 'x'").update();
        jdbc.sql("delete from activities where org = 'apisql'").update();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(jdbc.sql("""
                select op || ':' || coalesce(data->>'n', '-') from change_feed where org = 'apisql' order by version""")
                .query(String.class).list()).containsExactly("upsert:1", "upsert:2", "delete:-"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"upserts": [{"userId": "u1", "data": {}}]}                                    | upserts[0].id
            {"upserts": [{"id": 7, "userId": "u1", "data": {}}]}                           | upserts[0].id
            {"upserts": [{"id": "ok", "userId": "u1", "data": {}}, {"id": "k", "userId": 3, "data": {}}] } | upserts[1].userId
            {"upserts": [{"id": "k", "userId": "u1", "data": "text"}]}                     | upserts[0].data
            {"upserts": [{"id": "k", "userId": "u1", "data": {}}, {"id": "k", "userId": "u1", "data": {}}]} | upserts[1].id
            {"upserts": [{"id": "k", "userId": "u1", "data": {}, "extra": 1}]}             | upserts[0].extra
            {"upserts": [{"id": "k", "userId": "u1", "data": {}}], "deletes": [1]}         | deletes[0]
            {"upserts": {"id": "k"}}                                                       | upserts
            {"deletes": []}                                                                | upserts
            {"upserts": [{"id": "", "userId": "u1", "data": {}}]}                          | upserts[0].id
            [1, 2]                                                                         | $
            {"upserts": [{"id": "k", "userId": "u1", "data": {"a": {"b": "x\\u0000"}}}]}      | upserts[0].data.a.b
            {"upserts": [{"id": "k", "userId": "u1", "data": {"a": ["ok", "\\ud800"]}}]}      | upserts[0].data.a[1]
            {"upserts": [{"id": "k\\udc00", "userId": "u1", "data": {}}]}                    | upserts[0].id
            {"upserts": [{"id": "k", "userId": "u1", "data": {"n": [1, 1e1001]}}]}           | upserts[0].data.n[1]
            {"upserts": [{"id": "k", "userId": "u1", "data": {"n": 1e-1001}}]}               | upserts[0].data.n
            """)
    void a_malformed_batch_is_refused_naming_the_field_and_nothing_is_written(String body, String field) {
        var r = http.post("apibad", "/api/sources/contacts/records", body);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(400);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("field").asString()).isEqualTo(field);
        assertThat(count("select count(*) from contacts where org = 'apibad'")).isZero();
        assertThat(count("select count(*) from change_staging where org = 'apibad'")
                + count("select count(*) from change_feed where org = 'apibad'")).isZero();
    }

    @Test
    void a_record_larger_than_kafka_takes_is_refused_and_one_written_by_sql_fails_its_job_at_once_with_the_reason() {
        var r = http.post("apihuge", "/api/sources/contacts/records",
                "{\"upserts\": [{\"id\": \"big\", \"userId\": \"u1\", \"data\": {\"blob\": \""
                        + "x".repeat(600_000) + "\"}}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("field").asString()).isEqualTo("upserts[0].data");
        // small as JSON, large as stored: 600 numbers of 1,000 digits each
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 600; i++) {
            numbers.append(i == 0 ? "" : ",").append("\"n").append(i).append("\": 1e999");
        }
        var expanded = http.post("apihuge", "/api/sources/contacts/records",
                "{\"upserts\": [{\"id\": \"big\", \"userId\": \"u1\", \"data\": {" + numbers + "}}]}");
        assertThat(expanded.status()).isEqualTo(400);
        assertThat(expanded.body().path("field").asString()).isEqualTo("upserts[0].data");
        assertThat(count("select count(*) from contacts where org = 'apihuge'")).isZero();

        // written past the API: no retry can publish it, so the job fails with the reason instead of 5 retries
        jdbc.sql("""
                insert into contacts (org, id, user_id, payload)
                values ('apihuge', 'big', 'u1', jsonb_build_object('blob', repeat('x', 1200000)))""").update();
        var started = http.post("apihuge", "/api/extractions", "{\"entities\": [\"contacts\"]}");
        assertThat(started.status()).isEqualTo(202);
        String id = started.body().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> http.get("apihuge", "/api/extractions/" + id).body()
                .path("status").asString().equals("FAILED"));
        assertThat(http.get("apihuge", "/api/extractions/" + id).body().path("error").asString())
                .contains("contacts:big", "too large").doesNotContain("times in a row");
    }

    @Test
    void numbers_are_stored_exactly_as_sent() {
        var r = http.post("apiexact", "/api/sources/contacts/records", """
                {"upserts": [{"id": "n", "userId": "u1",
                  "data": {"big": 1e400, "exact": 0.10000000000000000555, "small": -2.5e-30, "int": 12345678901234567890}}]}""");
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(200);
        var stored = jdbc.sql("""
                select (payload->'big')::numeric = 1e400 as big, payload->>'exact' as exact,
                       (payload->'small')::numeric = -2.5e-30 as small, payload->>'int' as int
                from contacts where org = 'apiexact' and id = 'n'""").query().singleRow();
        assertThat(stored.get("big")).as("not Infinity").isEqualTo(true);
        assertThat(stored.get("exact")).isEqualTo("0.10000000000000000555");
        assertThat(stored.get("small")).isEqualTo(true);
        assertThat(stored.get("int")).isEqualTo("12345678901234567890");
    }

    @Test
    void an_unknown_entity_or_broken_json_is_refused() {
        var r = http.post("apibad", "/api/sources/invoices/records",
                "{\"upserts\": [{\"id\": \"k\", \"userId\": \"u1\", \"data\": {}}]}");
        assertThat(r.status()).isEqualTo(400);
        assertThat(r.body().path("field").asString()).isEqualTo("entity");
        assertThat(http.post("apibad", "/api/sources/contacts/records", "{\"upserts\": [").status()).isEqualTo(400);
        assertThat(count("select count(*) from contacts where org = 'apibad'")).isZero();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', textBlock = """
            {"entities": ["invoices"]}                                  | entities[0]  | 400
            {"entities": []}                                            | entities     | 400
            {"userIds": ["u1"]}                                         | entities     | 400
            {"entities": ["contacts"], "userIds": []}                   | userIds      | 400
            {"entities": ["contacts"], "userIds": ["u1", "theirs"]}     | userIds[1]   | 422
            {"entities": ["contacts"], "userIds": [5]}                  | userIds[0]   | 400
            {"entities": ["contacts"], "chunkSize": 0}                  | chunkSize    | 400
            {"entities": ["contacts"], "chunkSize": 1000000}            | chunkSize    | 400
            {"entities": ["contacts"], "chunkSize": "big"}              | chunkSize    | 400
            {"entities": ["contacts"], "chunkSize": 10.5}               | chunkSize    | 400
            {"entities": "contacts"}                                    | entities     | 400
            """)
    void a_bad_extraction_request_is_refused_naming_the_field_and_no_job_is_created(String body, String field,
            int status) {
        http.post("apiown", "/api/sources/contacts/records",
                "{\"upserts\": [{\"id\": \"m\", \"userId\": \"u1\", \"data\": {}}]}");
        http.post("apitheirs", "/api/sources/contacts/records",
                "{\"upserts\": [{\"id\": \"t\", \"userId\": \"theirs\", \"data\": {}}]}");
        var r = http.post("apiown", "/api/extractions", body);
        assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.body().path("field").asString()).isEqualTo(field);
        assertThat(count("select count(*) from extraction_job where org = 'apiown'")).isZero();
    }

    @Test
    void another_orgs_job_looks_like_it_does_not_exist() {
        http.post("apimine", "/api/sources/contacts/records",
                "{\"upserts\": [{\"id\": \"m\", \"userId\": \"u1\", \"data\": {}}]}");
        var started = http.post("apimine", "/api/extractions", "{\"entities\": [\"contacts\"]}");
        assertThat(started.status()).isEqualTo(202);
        String id = started.body().path("id").asString();
        assertThat(http.get("apiyours", "/api/extractions/" + id).status()).isEqualTo(404);
        assertThat(http.post("apiyours", "/api/extractions/" + id + "/cancel", "").status()).isEqualTo(404);
        assertThat(http.get("apimine", "/api/extractions/" + id).status()).isEqualTo(200);
        assertThat(http.get("apimine", "/api/extractions/00000000-0000-0000-0000-000000000000").status())
                .isEqualTo(404);
        assertThat(http.post("apimine", "/api/extractions/" + id + "/cancel", "").body().path("status").asString())
                .isEqualTo("CANCELLED");
        assertThat(http.post("apimine", "/api/extractions/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    void a_group_is_snapshotted_then_streamed_and_a_record_leaving_the_group_is_sent_as_a_delete() {
        StringBuilder seed = new StringBuilder("{\"upserts\": [");
        for (int i = 0; i < 45; i++) {
            seed.append(i == 0 ? "" : ",").append("{\"id\": \"k%02d\", \"userId\": \"u%d\", \"data\": {\"n\": %d}}"
                    .formatted(i, i % 3, i));
        }
        assertThat(http.post("apiflow", "/api/sources/contacts/records", seed + "]}").status()).isEqualTo(200);
        assertThat(http.post("apiflow", "/api/sources/activities/records",
                "{\"upserts\": [{\"id\": \"a1\", \"userId\": \"u0\", \"data\": {\"t\": \"call\"}}]}").status())
                .isEqualTo(200);
        var started = http.post("apiflow", "/api/extractions",
                "{\"entities\": [\"contacts\", \"activities\"], \"userIds\": [\"u0\", \"u1\"], \"chunkSize\": 10}");
        assertThat(started.status()).isEqualTo(202);
        assertThat(started.body().path("status").asString()).isEqualTo("WATERMARKED");
        String id = started.body().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() ->
                http.get("apiflow", "/api/extractions/" + id).body().path("status").asString().equals("STREAMING"));
        JsonNode status = http.get("apiflow", "/api/extractions/" + id).body();
        assertThat(status.path("progress").path("rowsSent").asLong()).isEqualTo(31);
        assertThat(status.path("progress").path("chunksDone").asInt()).isEqualTo(status.path("progress")
                .path("chunksTotal").asInt()).isEqualTo(4);

        http.post("apiflow", "/api/sources/contacts/records", """
                {"upserts": [{"id": "k00", "userId": "u0", "data": {"n": 100}},
                             {"id": "k01", "userId": "u2", "data": {"n": 101}},
                             {"id": "k02", "userId": "u2", "data": {"n": 102}}],
                 "deletes": ["k03"]}""");
        try (RecordsReader reader = new RecordsReader(id)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> reader.drain(Duration.ofMillis(300)).size() >= 31 + 3);
            List<Rec> all = reader.drain(Duration.ofSeconds(1));
            assertThat(all).allSatisfy(rec -> assertThat(rec.tenant()).isEqualTo("apiflow"));
            Map<String, Rec> snapshot = all.stream().filter(rec -> rec.op().equals("snapshot"))
                    .collect(Collectors.toMap(Rec::key, Function.identity()));
            assertThat(snapshot).hasSize(31).containsKeys("contacts:k00", "contacts:k01", "activities:a1")
                    .doesNotContainKey("contacts:k02");
            long watermark = started.body().path("watermark").asLong();
            assertThat(snapshot.values()).allSatisfy(rec -> assertThat(rec.version()).isGreaterThanOrEqualTo(watermark));
            List<String> changes = all.stream().filter(rec -> !rec.op().equals("snapshot"))
                    .map(rec -> rec.op() + " " + rec.key() + " " + rec.userId()).toList();
            // k01 left the group (u1 -> u2): a delete; k02 is of u2 and stays invisible; k03 (u0) deleted
            assertThat(changes).containsExactlyInAnyOrder("upsert contacts:k00 u0", "delete contacts:k01 u1",
                    "delete contacts:k03 u0");
        }
        http.post("apiflow", "/api/extractions/" + id + "/cancel", "");
    }

    @Test
    void health_shows_the_change_feed_and_metrics_expose_lag_rows_and_chunks() {
        var health = http.get("apiops", "/actuator/health");
        assertThat(health.body().path("components").path("changeFeed").path("status").asString()).isEqualTo("UP");
        assertThat(meters.get("bulk_extract.extraction.lag").gauge().value()).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("bulk_extract.feed.pending").gauge().value()).isGreaterThanOrEqualTo(0);
        assertThat(meters.get("bulk_extract.rows.sent").tag("phase", "snapshot").counter()).isNotNull();
        assertThat(meters.get("bulk_extract.rows.sent").tag("phase", "stream").counter()).isNotNull();
        assertThat(meters.get("bulk_extract.chunks").counter()).isNotNull();
    }
}
