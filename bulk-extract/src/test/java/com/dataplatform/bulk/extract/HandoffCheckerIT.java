package com.dataplatform.bulk.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.bulk.extract.extraction.SnapshotProbe;
import com.dataplatform.bulk.extract.support.HandoffChecker;
import com.dataplatform.bulk.extract.support.Http;
import com.dataplatform.bulk.extract.support.Nodes;
import com.dataplatform.bulk.extract.support.RecordsReader;
import com.dataplatform.bulk.extract.support.RecordsReader.Rec;
import com.dataplatform.bulk.extract.support.Writers;
import com.dataplatform.testsupport.SuitePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * The handoff checker of the issue: 4 concurrent writers upsert and delete random keys of the group, of other users
 * of the org and of another org, directly in SQL, while a 54k-row extraction (9 of 10 users) runs in chunks of 250; then every
 * record of the job on extract.records is checked key by key against the writers' own history. Run once plainly and
 * once with a node stopped in the middle of a chunk and another stopped while streaming. Nodes are full application
 * contexts started here, so they can be stopped and replaced mid-job.
 */
class HandoffCheckerIT {

    private static final int CONTACTS = 40_000;
    private static final int ACTIVITIES = 20_000;
    private static final int NEW_KEYS = 800;
    private static final int CHUNK = 250;
    private static final Set<String> GROUP = Set.of("u0", "u1", "u2", "u3", "u4", "u5", "u6", "u7", "u8");

    static ConfigurableApplicationContext startNode(SnapshotProbe probe) {
        return Nodes.start(probe, Map.of());
    }

    static Http http(ConfigurableApplicationContext node) {
        return Nodes.http(node);
    }

    private static JsonNode job(ConfigurableApplicationContext node, String org, String id) {
        return http(node).get(org, "/api/extractions/" + id).body();
    }

    @Test
    void every_key_of_the_group_is_handed_off_from_snapshot_to_stream_without_gap_or_duplicate() throws Exception {
        run("hoplain", false);
    }

    @Test
    void the_guarantee_holds_across_a_crash_in_the_middle_of_a_chunk_and_another_while_streaming() throws Exception {
        run("hocrash", true);
    }

    private void run(String org, boolean crash) throws Exception {
        long seed = System.nanoTime();
        System.out.println("HandoffCheckerIT " + org + " seed=" + seed);
        Writers writers = new Writers(org, org + "_x", 4, Map.of("contacts", CONTACTS + NEW_KEYS,
                "activities", ACTIVITIES + NEW_KEYS), seed);
        CountDownLatch inChunk = new CountDownLatch(1);
        int crashAtChunk = 40;
        SnapshotProbe probe = !crash ? null : (job, chunksDone) -> {
            if (chunksDone == crashAtChunk && inChunk.getCount() > 0) {
                inChunk.countDown();
                try {
                    new CountDownLatch(1).await(); // hang in the middle of the chunk until the node is stopped
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("node stopped mid-chunk");
                }
            }
        };
        ConfigurableApplicationContext node = startNode(probe);
        Map<String, String> userOfKey = Nodes.seed(org, org + "_x", writers, CONTACTS, ACTIVITIES, NEW_KEYS);
        try (writers) {
            writers.start();
            awaitCommits(writers, 100); // writers are busy before the watermark is taken
            long postSent = System.nanoTime();
            Http.Response started = http(node).post(org, "/api/extractions", """
                    {"entities": ["contacts", "activities"], "userIds": ["u0","u1","u2","u3","u4","u5","u6","u7","u8"],
                     "chunkSize": %d}""".formatted(CHUNK));
            long postReturned = System.nanoTime();
            assertThat(started.status()).as(String.valueOf(started.body())).isEqualTo(202);
            String id = started.body().path("id").asString();
            long watermark = started.body().path("watermark").asLong();

            if (crash) {
                assertThat(inChunk.await(120, TimeUnit.SECONDS)).as("reached the middle of chunk " + crashAtChunk).isTrue();
                node.close(); // stop the node in the middle of a chunk: half of it is on Kafka, progress is not
                assertThat(inFlight(id)).as("chunks done, chunk in flight").isEqualTo(crashAtChunk + ",true");
                node = startNode(null);
            }
            ConfigurableApplicationContext n = node;
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500))
                    .until(() -> job(n, org, id).path("status").asString().equals("STREAMING"));
            JsonNode afterSnapshot = job(node, org, id);
            assertThat(afterSnapshot.path("progress").path("chunksDone").asInt())
                    .isEqualTo(afterSnapshot.path("progress").path("chunksTotal").asInt()).isGreaterThan(50_000 / CHUNK);
            awaitCommits(writers, 200); // changes stream in after the snapshot
            if (crash) {
                node.close(); // stop the node while streaming, writers still going
                node = startNode(null);
            }
            awaitCommits(writers, 200); // and keep coming after the restart
            Map<String, List<Writers.State>> history = writers.stopAndGetHistory();
            assertThat(writers.commits()).isGreaterThan(50_000 / CHUNK);

            ConfigurableApplicationContext last = node;
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> {
                JsonNode j = job(last, org, id);
                return j.path("status").asString().equals("STREAMING") && j.path("lag").path("versions").asLong() == 0;
            });
            try (RecordsReader reader = new RecordsReader(id)) {
                List<Rec> records = reader.drain(Duration.ofSeconds(2));
                Map<String, Integer> snapshots = HandoffChecker.snapshotsPerKey(records);
                long resent = snapshots.values().stream().mapToInt(v -> v - 1).sum();
                System.out.printf("HandoffCheckerIT %s: %d records, %d keys snapshotted, %d re-sent snapshot records,"
                        + " %d writer transactions%n", org, records.size(), snapshots.size(), resent, writers.commits());
                assertThat(snapshots.size()).isGreaterThan(50_000);
                // resumed from the last completed chunk: at most the interrupted chunk is sent twice
                assertThat(resent).isLessThanOrEqualTo(crash ? CHUNK : 0);
                List<String> errors = new HandoffChecker(org, GROUP, watermark, postSent, postReturned)
                        .check(records, history, userOfKey);
                assertThat(errors).as("seed " + seed).isEmpty();
            }
            http(node).post(org, "/api/extractions/" + id + "/cancel", "");
        } finally {
            node.close();
        }
    }

    private static String inFlight(String id) throws Exception {
        SuitePostgres.Connection pg = SuitePostgres.get();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                PreparedStatement ps = c.prepareStatement("select chunks_done || ',' || (chunk_version is not null)"
                        + " from bulk_extract.extraction_job where id = ?")) {
            ps.setObject(1, UUID.fromString(id));
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Waits until the writers have committed {@code more} further transactions. */
    private static void awaitCommits(Writers writers, int more) {
        int target = writers.commits() + more;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> writers.commits() >= target);
    }
}
