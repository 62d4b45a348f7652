package com.dataplatform.bulk.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.bulk.extract.extraction.SnapshotProbe;
import com.dataplatform.bulk.extract.support.Http;
import com.dataplatform.bulk.extract.support.JobEvents;
import com.dataplatform.bulk.extract.support.Nodes;
import com.dataplatform.bulk.extract.support.RecordsReader;
import com.dataplatform.bulk.extract.support.RecordsReader.Rec;
import com.dataplatform.testsupport.SuitePostgres;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;
import tools.jackson.databind.JsonNode;

/**
 * What happens around the source: an entity added by configuration works end to end, the change feed is pruned
 * (and only what no active job of the org needs), and a job whose source becomes unusable — its entity dropped from
 * the configuration, or its table dropped — goes FAILED with the reason and ExtractionFailed is published. One node
 * ({@code tickets} and {@code notes} configured besides the defaults, feed retention 3 s), started here.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SourceLifecycleIT {

    private static final Duration RETENTION = Duration.ofSeconds(3);

    /** Holds the next job that reaches the middle of its second chunk while armed, until released. */
    static final class HoldingProbe implements SnapshotProbe {
        volatile boolean armed;
        final CountDownLatch reached = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);

        @Override
        public void midChunk(UUID jobId, int chunksDone) {
            if (armed && chunksDone == 1) {
                armed = false;
                reached.countDown();
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("node stopped mid-chunk");
                }
            }
        }
    }

    static final HoldingProbe probe = new HoldingProbe();
    static ConfigurableApplicationContext node;
    static Http http;
    static JdbcClient jdbc;

    @BeforeAll
    static void startNode() {
        node = Nodes.start(probe, Map.of("bulk-extract.entities", "contacts,activities,tickets,notes",
                "bulk-extract.feed-retention", RETENTION.toMillis() + "ms", "bulk-extract.prune-interval", "300ms"));
        http = Nodes.http(node);
        SuitePostgres.Connection pg = SuitePostgres.get();
        jdbc = JdbcClient.create(new DriverManagerDataSource(pg.jdbcUrl() + (pg.jdbcUrl().contains("?") ? "&" : "?")
                + "currentSchema=bulk_extract", pg.username(), pg.password()));
    }

    @AfterAll
    static void stopNode() {
        probe.release.countDown();
        if (node != null) {
            node.close();
        }
    }

    private static String status(String org, String id) {
        return http.get(org, "/api/extractions/" + id).body().path("status").asString();
    }

    private static String upserts(String... idUserData) {
        StringBuilder b = new StringBuilder("{\"upserts\": [");
        for (int i = 0; i < idUserData.length; i += 3) {
            b.append(i == 0 ? "" : ",").append("{\"id\": \"%s\", \"userId\": \"%s\", \"data\": %s}"
                    .formatted(idUserData[i], idUserData[i + 1], idUserData[i + 2]));
        }
        return b.append("]}").toString();
    }

    @Test
    @Order(1)
    void an_entity_added_by_configuration_is_written_captured_snapshotted_and_streamed() {
        String org = "lcticket";
        StringBuilder seed = new StringBuilder("{\"upserts\": [");
        for (int i = 0; i < 25; i++) {
            seed.append(i == 0 ? "" : ",").append("{\"id\": \"t%02d\", \"userId\": \"u%d\", \"data\": {\"n\": %d}}"
                    .formatted(i, 1 + i % 2, i));
        }
        var written = http.post(org, "/api/sources/tickets/records", seed + "]}");
        assertThat(written.status()).as(String.valueOf(written.body())).isEqualTo(200);
        assertThat(jdbc.sql("select count(*) from pg_trigger where tgrelid = 'bulk_extract.tickets'::regclass"
                + " and tgname in ('capture', 'no_truncate')").query(Integer.class).single()).isEqualTo(2);

        var started = http.post(org, "/api/extractions",
                "{\"entities\": [\"tickets\"], \"userIds\": [\"u1\"], \"chunkSize\": 10}");
        assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(202);
        String id = started.body().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(org, id).equals("STREAMING"));
        JsonNode job = http.get(org, "/api/extractions/" + id).body();
        assertThat(job.path("progress").path("rowsSent").asLong()).isEqualTo(13);
        assertThat(job.path("progress").path("chunksDone").asInt()).isEqualTo(2);

        http.post(org, "/api/sources/tickets/records", upserts("t00", "u1", "{\"n\": 100}", "t01", "u2", "{\"n\": 101}")
                .replace("]}", "], \"deletes\": [\"t02\"]}"));
        jdbc.sql("update tickets set payload = '{\"n\": 104}' where org = :org and id = 't04'").param("org", org).update();
        try (RecordsReader reader = new RecordsReader(id)) {
            await().atMost(Duration.ofSeconds(60)).until(() -> reader.drain(Duration.ofMillis(300)).size() >= 13 + 3);
            List<Rec> all = reader.drain(Duration.ofSeconds(1));
            assertThat(all).allSatisfy(r -> {
                assertThat(r.entity()).isEqualTo("tickets");
                assertThat(r.key()).isEqualTo("tickets:" + r.id());
                assertThat(r.userId()).isEqualTo("u1");
                assertThat(r.tenant()).isEqualTo(org);
            });
            assertThat(all.stream().filter(r -> r.op().equals("snapshot")).map(Rec::id).sorted().toList())
                    .containsExactly("t00", "t02", "t04", "t06", "t08", "t10", "t12", "t14", "t16", "t18", "t20",
                            "t22", "t24");
            assertThat(all.stream().filter(r -> !r.op().equals("snapshot"))
                    .map(r -> r.op() + " " + r.id() + (r.data() == null ? "" : " " + r.data().path("n"))).toList())
                    .containsExactlyInAnyOrder("upsert t00 100", "delete t02", "upsert t04 104")
                    .endsWith("upsert t04 104"); // the later SQL update comes last
        }
        http.post(org, "/api/extractions/" + id + "/cancel", "");
    }

    private static long feedRows(String org) {
        return jdbc.sql("select count(*) from change_feed where org = :org").param("org", org).query(Long.class).single();
    }

    private static long head() {
        return jdbc.sql("select head from relay_state").query(Long.class).single();
    }

    @Test
    @Order(2)
    void relayed_changes_are_pruned_after_the_retention_unless_an_active_job_of_their_org_still_needs_them() {
        // no job: a change is pruned, but not before it is older than the retention
        String idle = "lcidle";
        http.post(idle, "/api/sources/contacts/records", upserts("a", "u1", "{}", "b", "u1", "{}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> feedRows(idle) == 2);
        OffsetDateTime relayedAt = jdbc.sql("select max(relayed_at) from change_feed where org = :org")
                .param("org", idle).query(OffsetDateTime.class).single();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> feedRows(idle) == 0);
        OffsetDateTime goneBy = jdbc.sql("select now()").query(OffsetDateTime.class).single();
        assertThat(Duration.between(relayedAt, goneBy)).isGreaterThanOrEqualTo(RETENTION);

        // a streaming job: what it acknowledged is pruned
        String live = "lclive";
        http.post(live, "/api/sources/contacts/records", upserts("a", "u1", "{\"n\": 1}"));
        String id = http.post(live, "/api/extractions", "{\"entities\": [\"contacts\"]}").body().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> status(live, id).equals("STREAMING"));
        http.post(live, "/api/sources/contacts/records", upserts("a", "u1", "{\"n\": 2}", "b", "u1", "{\"n\": 3}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> http.get(live, "/api/extractions/" + id).body()
                .path("position").asLong() >= jdbc.sql("select max(version) from change_feed where org = :org")
                        .param("org", live).query(Long.class).optional().orElse(Long.MAX_VALUE));
        await().atMost(Duration.ofSeconds(30)).until(() -> feedRows(live) == 0);

        // a job that has not acknowledged them yet (owned by a node that is busy or gone, lease still valid): its
        // org's changes after its watermark stay however old they get; older ones and other orgs' go
        String pinned = "lcpinned";
        http.post(pinned, "/api/sources/contacts/records", upserts("old", "u1", "{}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> feedRows(pinned) == 1);
        long watermark = head();
        UUID ghost = UUID.randomUUID();
        jdbc.sql("""
                insert into extraction_job (id, org, entities, chunk_size, status, watermark, position, lease_owner,
                    lease_until) values (:id, :org, '{contacts}', 10, 'SNAPSHOTTING', :wm, :wm, 'node-elsewhere',
                    now() + interval '1 hour')""").param("id", ghost).param("org", pinned).param("wm", watermark)
                .update();
        http.post(pinned, "/api/sources/contacts/records", upserts("new1", "u1", "{}", "new2", "u2", "{}"));
        http.post(idle, "/api/sources/contacts/records", upserts("c", "u1", "{}"));
        await().atMost(Duration.ofSeconds(30)).until(() -> feedRows(idle) == 0 && feedRows(pinned) == 2);
        await().during(RETENTION.plusSeconds(1)).atMost(RETENTION.plusSeconds(10))
                .until(() -> jdbc.sql("select count(*) from change_feed where org = :org and version > :wm")
                        .param("org", pinned).param("wm", watermark).query(Long.class).single() == 2);

        assertThat(http.post(pinned, "/api/extractions/" + ghost + "/cancel", "").status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> feedRows(pinned) == 0);
        http.post(live, "/api/extractions/" + id + "/cancel", "");
    }

    @Test
    @Order(3)
    void a_job_whose_entity_is_no_longer_configured_fails_with_the_reason_and_extraction_failed_is_published()
            throws Exception {
        String org = "lcgone";
        HoldingProbe hold = new HoldingProbe();
        hold.armed = true;
        // another node, that knows 'memos': it starts the job and is stopped in the middle of its second chunk
        ConfigurableApplicationContext other = Nodes.start(hold,
                Map.of("bulk-extract.entities", "contacts,activities,memos"));
        String id;
        try {
            Http otherHttp = Nodes.http(other);
            StringBuilder seed = new StringBuilder("{\"upserts\": [");
            for (int i = 0; i < 40; i++) {
                seed.append(i == 0 ? "" : ",").append("{\"id\": \"m%02d\", \"userId\": \"u1\", \"data\": {}}".formatted(i));
            }
            assertThat(otherHttp.post(org, "/api/sources/memos/records", seed + "]}").status()).isEqualTo(200);
            var started = otherHttp.post(org, "/api/extractions", "{\"entities\": [\"memos\"], \"chunkSize\": 10}");
            assertThat(started.status()).isEqualTo(202);
            id = started.body().path("id").asString();
            assertThat(hold.reached.await(60, TimeUnit.SECONDS)).as("reached the second chunk").isTrue();
            // the node without 'memos' leaves the job to the node that has it
            assertThat(jdbc.sql("select split_part(lease_owner, '/', 1) from extraction_job where id = :id").param("id", UUID.fromString(id))
                    .query(String.class).single()).isEqualTo(other.getBean("extractionWorker").toString());
        } finally {
            other.close(); // hands the job over; the remaining node does not have 'memos', and fails it once no
                           // node that has it took it for two leases
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> status(org, id).equals("FAILED"));
        JsonNode job = http.get(org, "/api/extractions/" + id).body();
        assertThat(job.path("error").asString()).contains("memos").contains("no longer configured");
        assertThat(job.path("progress").path("chunksDone").asInt()).isEqualTo(1);
        try (JobEvents events = new JobEvents(id)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.types(Duration.ofMillis(300))
                    .contains("ExtractionFailed"));
            var failed = events.poll(Duration.ZERO).stream().filter(e -> e.type().equals("ExtractionFailed"))
                    .toList();
            assertThat(failed).hasSize(1);
            assertThat(failed.get(0).tenant()).isEqualTo(org);
            assertThat(failed.get(0).data().path("id").asString()).isEqualTo(id);
            assertThat(failed.get(0).data().path("error").asString()).contains("memos");
            assertThat(events.types(Duration.ZERO)).startsWith("ExtractionStarted").doesNotContain("SnapshotCompleted");
        }
        assertThat(http.post(org, "/api/extractions/" + id + "/cancel", "").status()).isEqualTo(409);
    }

    @Test
    @Order(4) // last: the node's 'notes' table is gone afterwards
    void a_job_whose_source_table_is_dropped_mid_snapshot_fails_with_the_reason_and_extraction_failed_is_published()
            throws Exception {
        String org = "lcdrop";
        StringBuilder seed = new StringBuilder("{\"upserts\": [");
        for (int i = 0; i < 40; i++) {
            seed.append(i == 0 ? "" : ",").append("{\"id\": \"n%02d\", \"userId\": \"u1\", \"data\": {}}".formatted(i));
        }
        assertThat(http.post(org, "/api/sources/notes/records", seed + "]}").status()).isEqualTo(200);
        probe.armed = true;
        var started = http.post(org, "/api/extractions", "{\"entities\": [\"notes\"], \"chunkSize\": 10}");
        assertThat(started.status()).isEqualTo(202);
        String id = started.body().path("id").asString();
        assertThat(probe.reached.await(60, TimeUnit.SECONDS)).as("reached the second chunk").isTrue();
        jdbc.sql("drop table notes").update(); // by an operator, say
        probe.release.countDown();

        await().atMost(Duration.ofSeconds(60)).until(() -> status(org, id).equals("FAILED"));
        JsonNode job = http.get(org, "/api/extractions/" + id).body();
        assertThat(job.path("error").asString()).contains("notes").contains("does not exist");
        // chunks 0 and 1 were read before the drop, and so may be chunk 2 (read ahead while 1 was sent); 3 was not
        assertThat(job.path("progress").path("chunksDone").asInt()).isBetween(2, 3);
        try (JobEvents events = new JobEvents(id)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> events.types(Duration.ofMillis(300))
                    .contains("ExtractionFailed"));
            assertThat(events.poll(Duration.ZERO).stream().filter(e -> e.type().equals("ExtractionFailed"))
                    .map(e -> e.data().path("error").asString()).toList())
                    .singleElement().asString().contains("does not exist");
        }
    }
}
