package com.dataplatform.bulk.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.bulk.extract.support.HandoffChecker;
import com.dataplatform.bulk.extract.support.Http;
import com.dataplatform.bulk.extract.support.Nodes;
import com.dataplatform.bulk.extract.support.RecordsReader;
import com.dataplatform.bulk.extract.support.RecordsReader.Rec;
import com.dataplatform.bulk.extract.support.Writers;
import com.dataplatform.testsupport.SuitePostgres;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * Two live nodes on the same database and Kafka, four jobs of different groups started on either, 4 concurrent
 * writers: while both run, each job is run by exactly one node (no record is sent twice); then the node running the
 * whole-org job is stopped in the middle of its snapshot, the other takes its jobs over, and every job's records
 * still pass the handoff checker key by key.
 */
class TwoNodesIT {

    private static final int CONTACTS = 5_000;
    private static final int ACTIVITIES = 2_500;
    private static final int NEW_KEYS = 300;
    private static final int CHUNK = 100;

    private record Job(String id, Set<String> group, long watermark, long postSent, long postReturned) {
    }

    private static Set<String> users(int... n) {
        Set<String> s = new HashSet<>();
        for (int i : n) {
            s.add("u" + i);
        }
        return s;
    }

    @Test
    void two_live_nodes_share_the_jobs_without_duplicates_and_a_job_survives_its_node_stopping() throws Exception {
        String org = "twonode";
        long seed = System.nanoTime();
        System.out.println("TwoNodesIT seed=" + seed);
        Map<String, String> props = Map.of("bulk-extract.lease", "6s");
        List<ConfigurableApplicationContext> nodes = new ArrayList<>(List.of(Nodes.start(null, props),
                Nodes.start(null, props)));
        SuitePostgres.Connection pg = SuitePostgres.get();
        JdbcClient jdbc = JdbcClient.create(new DriverManagerDataSource(pg.jdbcUrl(), pg.username(), pg.password()));
        Writers writers = new Writers(org, org + "_x", 4, Map.of("contacts", CONTACTS + NEW_KEYS,
                "activities", ACTIVITIES + NEW_KEYS), seed);
        try (writers) {
            Map<String, String> userOfKey = Nodes.seed(org, org + "_x", writers, CONTACTS, ACTIVITIES, NEW_KEYS);
            writers.start();
            awaitCommits(writers, 50);
            List<Set<String>> groups = List.of(users(0, 1, 2, 3, 4), users(5, 6, 7, 8, 9),
                    users(0, 1, 2, 3, 4, 5, 6, 7, 8, 9), users(1, 3, 5));
            List<Job> jobs = new ArrayList<>();
            for (int i = 0; i < groups.size(); i++) {
                Http via = Nodes.http(nodes.get(i % 2));
                String users = i == 2 ? "" : ", \"userIds\": [" + groups.get(i).stream().sorted()
                        .map(u -> "\"" + u + "\"").collect(Collectors.joining(",")) + "]";
                long sent = System.nanoTime();
                var r = via.post(org, "/api/extractions", "{\"entities\": [\"contacts\", \"activities\"], \"chunkSize\": "
                        + CHUNK + users + "}");
                long returned = System.nanoTime();
                assertThat(r.status()).as(String.valueOf(r.body())).isEqualTo(202);
                jobs.add(new Job(r.body().path("id").asString(), groups.get(i), r.body().path("watermark").asLong(),
                        sent, returned));
            }
            String whole = jobs.get(2).id();
            await().atMost(Duration.ofSeconds(60)).until(() -> chunksDone(jdbc, whole) >= 10);
            Map<String, String> owners = owners(jdbc, jobs);
            System.out.println("TwoNodesIT owners: " + owners);
            assertThat(new HashSet<>(owners.values())).as("both nodes run jobs").hasSize(2);
            for (int i = 0; i < jobs.size(); i++) {
                assertThat(owners.get(jobs.get(i).id())).as("job %d runs on the node that accepted it", i)
                        .isEqualTo(ownerOf(nodes.get(i % 2)));
            }

            // stop the node running the whole-org job, in the middle of its snapshot
            String victim = owners.get(whole);
            int victimIndex = -1;
            for (int i = 0; i < nodes.size(); i++) {
                if (ownerOf(nodes.get(i)).equals(victim)) {
                    victimIndex = i;
                }
            }
            assertThat(victimIndex).as("node of " + victim).isNotNegative();
            nodes.remove(victimIndex).close();
            ConfigurableApplicationContext survivor = nodes.get(0);
            Http http = Nodes.http(survivor);

            awaitCommits(writers, 100);
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofMillis(500)).until(() -> jobs.stream()
                    .allMatch(j -> http.get(org, "/api/extractions/" + j.id()).body().path("status").asString()
                            .equals("STREAMING")));
            awaitCommits(writers, 100);
            Map<String, List<Writers.State>> history = writers.stopAndGetHistory();
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(300)).until(() -> jobs.stream()
                    .allMatch(j -> http.get(org, "/api/extractions/" + j.id()).body().path("lag").path("versions")
                            .asLong() == 0));
            assertThat(owners(jdbc, jobs).values()).as("the survivor runs every job").containsOnly(ownerOf(survivor));

            try (RecordsReader reader = new RecordsReader(jobs.stream().map(Job::id).toArray(String[]::new))) {
                Map<String, List<Rec>> bySubject = reader.drain(Duration.ofSeconds(2)).stream()
                        .collect(Collectors.groupingBy(Rec::subject, LinkedHashMap::new, Collectors.toList()));
                for (Job j : jobs) {
                    List<Rec> records = bySubject.getOrDefault(j.id(), List.of());
                    Map<String, Integer> snapshots = HandoffChecker.snapshotsPerKey(records);
                    long resent = snapshots.values().stream().mapToInt(v -> v - 1).sum();
                    long duplicates = records.size() - records.stream().map(Rec::ceId).distinct().count();
                    boolean moved = owners.get(j.id()).equals(victim);
                    System.out.printf("TwoNodesIT job %s (group %s, moved %s): %d records, %d keys snapshotted,"
                            + " %d re-sent snapshot records, %d duplicate ids%n", j.id(), j.group(), moved,
                            records.size(), snapshots.size(), resent, duplicates);
                    if (moved) {
                        assertThat(resent).as("re-sent at most the chunk in flight").isLessThanOrEqualTo(CHUNK);
                    } else {
                        assertThat(duplicates).as("a job only one node ever ran sends nothing twice").isZero();
                    }
                    List<String> errors = new HandoffChecker(org, j.group(), j.watermark(), j.postSent(),
                            j.postReturned()).check(records, history, userOfKey);
                    assertThat(errors).as("job " + j.id() + ", seed " + seed).isEmpty();
                }
            }
            for (Job j : jobs) {
                http.post(org, "/api/extractions/" + j.id() + "/cancel", "");
            }
        } finally {
            nodes.forEach(ConfigurableApplicationContext::close);
        }
    }

    private static String ownerOf(ConfigurableApplicationContext node) {
        return node.getBean("extractionWorker").toString();
    }

    private static int chunksDone(JdbcClient jdbc, String id) {
        return jdbc.sql("select chunks_done from bulk_extract.extraction_job where id = :id")
                .param("id", UUID.fromString(id)).query(Integer.class).single();
    }

    private static Map<String, String> owners(JdbcClient jdbc, List<Job> jobs) {
        Map<String, String> owners = new HashMap<>();
        for (Job j : jobs) {
            owners.put(j.id(), jdbc.sql("select coalesce(split_part(lease_owner, '/', 1), '-') from bulk_extract.extraction_job where id = :id")
                    .param("id", UUID.fromString(j.id())).query(String.class).single());
        }
        return owners;
    }

    private static void awaitCommits(Writers writers, int more) {
        int target = writers.commits() + more;
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).until(() -> writers.commits() >= target);
    }
}
