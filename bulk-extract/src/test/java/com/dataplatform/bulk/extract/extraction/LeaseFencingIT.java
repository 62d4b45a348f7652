package com.dataplatform.bulk.extract.extraction;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.testsupport.SuiteInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;

/**
 * Every claim of a job writes its own lease token, so a thread still running an earlier claim — on another node, or
 * on this one after a pause longer than the lease — can write nothing any more: not its chunk's progress (which
 * would move the cursor back over what the new claim sent), not a renewal, not a failure. A job a thread of this
 * node still runs is not claimed again by this node.
 */
@SpringBootTest
@SuiteInfrastructure
@DirtiesContext
class LeaseFencingIT {

    private static final Duration LEASE = Duration.ofSeconds(15);
    /** An entity no node is configured with: this context's own worker leaves the job alone (for the orphan delay). */
    private static final List<String> KNOWN = List.of("fencing_only");

    @Autowired
    JobStore store;

    @Autowired
    JdbcClient jdbc;

    private List<JobStore.Claim> claim(UUID id, Set<UUID> busy) {
        return store.claim("node-a", LEASE, 1, KNOWN, Duration.ofMinutes(10), Duration.ZERO, id, busy);
    }

    @Test
    void a_stale_claim_of_the_same_node_writes_nothing_and_a_job_still_running_here_is_not_claimed_again() {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into extraction_job (id, org, entities, chunk_size, status, watermark, position)
                values (:id, 'fencing', '{fencing_only}', 10, 'SNAPSHOTTING', 0, 0)""").param("id", id).update();

        List<JobStore.Claim> first = claim(id, Set.of());
        assertThat(first).extracting(JobStore.Claim::id).containsExactly(id);
        String stale = first.get(0).token();
        assertThat(stale).startsWith("node-a/");
        assertThat(claim(id, Set.of())).as("the lease runs").isEmpty();
        assertThat(store.completeChunk(id, stale, 0, "k10", 10)).isTrue();

        // the claim's thread pauses longer than the lease
        jdbc.sql("update extraction_job set lease_until = now() - interval '1 second' where id = :id").param("id", id)
                .update();
        assertThat(claim(id, Set.of(id))).as("still running on this node").isEmpty();
        List<JobStore.Claim> second = claim(id, Set.of());
        assertThat(second).hasSize(1);
        String current = second.get(0).token();
        assertThat(current).startsWith("node-a/").isNotEqualTo(stale);
        assertThat(store.completeChunk(id, current, 0, "k20", 10)).isTrue();

        // the paused thread wakes up: none of its writes lands
        assertThat(store.completeChunk(id, stale, 0, "k10", 10)).as("would move the cursor back").isFalse();
        assertThat(store.startChunk(id, stale, 7, "k30")).isFalse();
        assertThat(store.renew(id, stale, LEASE)).isEmpty();
        assertThat(store.fail(id, stale, "fencing", "late", "{}")).isFalse();
        assertThat(store.startStreaming(id, stale, job -> "{}")).isFalse();
        ExtractionJob job = store.find(id).orElseThrow();
        assertThat(job.lastKey()).isEqualTo("k20");
        assertThat(job.chunksDone()).isEqualTo(2);
        assertThat(job.status()).isEqualTo(JobStatus.SNAPSHOTTING);
        assertThat(store.renew(id, current, LEASE)).isPresent();

        // stopping a node ends its leases, and only its own
        store.releaseAll("node");
        assertThat(claim(id, Set.of())).as("'node' is not node-a").isEmpty();
        store.releaseAll("node-a");
        assertThat(claim(id, Set.of())).hasSize(1);
    }
}
