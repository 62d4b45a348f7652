package com.dataplatform.dataflow.scheduler.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.dataflow.scheduler.dataset.CsvTable;
import com.dataplatform.dataflow.scheduler.dataset.DatasetStore;
import com.dataplatform.dataflow.scheduler.definition.DataflowStore;
import com.dataplatform.dataflow.scheduler.execution.RunExecutor;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import tools.jackson.databind.json.JsonMapper;

class CrashIT extends DispatchTestBase {

    @Autowired
    DatasetStore datasets;
    @Autowired
    DataflowStore dataflows;
    @Autowired
    RunExecutor executor;
    @Autowired
    LeaseKeeper leases;
    @Autowired
    JsonMapper json;

    @Test
    void a_dead_workers_run_fails_on_lease_expiry_its_locks_are_released_once_and_the_zombie_cannot_register() {
        String org = newOrg();
        datasets.replace(org, "src", CsvTable.parse("id,v\n1,10\n2,20\n"));
        UUID flow = dataflows.create(org, json.readTree("""
                {"name": "copy", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "src"},
                  {"id": "f", "op": "filter", "input": "s", "expr": "v > 15"},
                  {"id": "o", "op": "register", "input": "f", "dataset": "out"}]}""")).id();
        Dispatcher d = dispatcher("crash", Duration.ofSeconds(2), 10, 100);

        queue.enqueue(org, flow, null);
        ClaimedRun first = d.step().runs().get(0);
        assertThat(executor.execute(first)).isEqualTo(RunExecutor.Outcome.SUCCEEDED);
        assertThat(datasets.find(org, "out").orElseThrow().version()).isEqualTo(1);

        UUID runId = queue.enqueue(org, flow, null).id();
        UUID reader = queue.enqueue(org, dataflows.create(org, json.readTree("""
                {"name": "reader", "type": "etl", "nodes": [
                  {"id": "s", "op": "source", "dataset": "out"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "out_copy"}]}""")).id(), null).id();
        ClaimedRun zombie = d.step().runs().get(0);
        assertThat(zombie.id()).isEqualTo(runId);
        assertThat(d.step().runs()).isEmpty();
        // The worker "dies": no heartbeat, no execution. The lease runs out on the database clock.
        // (other test classes' runs on the shared database may expire too: wait for this one)
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            leases.expire(10);
            return status(runId).equals("FAILED");
        });
        assertThat(status(runId)).isEqualTo("FAILED");
        assertThat(jdbc.sql("select error from run where id = :id").param("id", runId).query(String.class).single())
                .contains("lease expired");
        assertThat(jdbc.sql("select count(*) from run_lock where run_id = :id").param("id", runId)
                .query(Integer.class).single()).isZero();

        // Released exactly once: later expiry passes, a cancel and a stale finish change nothing.
        assertThat(leases.expire(10)).isZero();
        Boolean again = tx.execute(s -> finisher.finish(runId, null, RunStatus.FAILED, "again"));
        assertThat(again).isFalse();
        assertThat(jdbc.sql("select count(*) from run where org = :o and status = 'RUNNING'").param("o", org)
                .query(Integer.class).single()).isZero();
        assertThat(jdbc.sql("select count(*) from outbox where type = 'RunFailed' and key = :k")
                .param("k", runId.toString()).query(Integer.class).single()).isLessThanOrEqualTo(1);

        // The zombie wakes up and tries to register: rejected, the dataset is unchanged.
        assertThat(executor.execute(zombie)).isEqualTo(RunExecutor.Outcome.LEASE_LOST);
        assertThat(datasets.find(org, "out").orElseThrow().version()).isEqualTo(1);
        assertThat(datasets.rows(org, "out", 10)).hasSize(1);
        assertThat(leases.renew(java.util.List.of(zombie))).containsExactly(runId);
        assertThat(jdbc.sql("select count(*) from pg_tables where schemaname = :s and tablename like '\\_w%'")
                .param("s", "lake_" + org).query(Integer.class).single()).isZero();

        // The reader that waited for the dead run's lock can now start.
        assertThat(d.step().runs()).extracting(ClaimedRun::id).containsExactly(reader);
    }
}
