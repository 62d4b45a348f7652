package com.dataplatform.dataflow.scheduler.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

class DispatchRulesIT extends DispatchTestBase {

    @Autowired
    RunReader reader;

    @Autowired
    LeaseKeeper leases;

    /** Threads of the tests that race transactions. */
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stopThreads() {
        threads.shutdownNow();
    }

    private List<UUID> started(Dispatcher d) {
        return d.step().runs().stream().map(ClaimedRun::id).toList();
    }

    @Test
    void a_later_reader_never_overtakes_an_earlier_writer_but_non_conflicting_runs_go_ahead() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules", Duration.ofSeconds(30), 100, 1000);
        UUID w1 = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        UUID r1 = queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("x1")), null).id();
        UUID w2 = queue.enqueue(org, dataflow(org, "etl", arr("b"), arr("a")), null).id();
        UUID r2 = queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("x2")), null).id();
        UUID other = queue.enqueue(org, dataflow(org, "etl", arr("c"), arr("x3")), null).id();

        assertThat(started(d)).containsExactlyInAnyOrder(w1, other);
        RunView blocked = reader.find(org, r1).orElseThrow();
        assertThat(blocked.blockedBy()).extracting(RunView.Blocker::runId).contains(w1);
        assertThat(blocked.blockedBy()).extracting(RunView.Blocker::dataset).contains("a");
        assertThat(reader.locks(org)).extracting(RunReader.HeldLock::dataset, RunReader.HeldLock::mode)
                .contains(tuple("a", "exclusive"));

        finishRunning(org, w1);
        assertThat(started(d)).containsExactly(r1);
        // r2 only reads a, like the running r1, but the earlier w2 waits for a: FIFO per dataset.
        assertThat(reader.find(org, r2).orElseThrow().blockedBy()).extracting(RunView.Blocker::runId).contains(w2);
        finishRunning(org, r1);
        assertThat(started(d)).containsExactly(w2);
        finishRunning(org, w2);
        assertThat(started(d)).containsExactly(r2);
    }

    @Test
    void one_run_per_dataflow_and_type_limits_hold() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules2", Duration.ofSeconds(30), 100, 1000);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out1"));
        UUID first = queue.enqueue(org, flow, null).id();
        UUID second = queue.enqueue(org, flow, null).id();
        limit(org, "small", 1);
        UUID s1 = queue.enqueue(org, dataflow(org, "small", arr("p"), arr("q1")), null).id();
        UUID s2 = queue.enqueue(org, dataflow(org, "small", arr("p"), arr("q2")), null).id();
        assertThat(started(d)).containsExactlyInAnyOrder(first, s1);
        assertThat(reader.find(org, s2).orElseThrow().blockedBy()).extracting(RunView.Blocker::reason)
                .anySatisfy(r -> assertThat(r).contains("limit"));
        finishRunning(org, first);
        finishRunning(org, s1);
        assertThat(started(d)).containsExactlyInAnyOrder(second, s2);
    }

    @Test
    void cancelling_a_queued_run_unblocks_the_runs_behind_it() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules3", Duration.ofSeconds(30), 100, 1000);
        UUID holder = queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("h")), null).id();
        assertThat(started(d)).containsExactly(holder);
        UUID writer = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        UUID reader2 = queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("r")), null).id();
        assertThat(started(d)).isEmpty();
        queue.cancel(org, writer);
        assertThat(status(writer)).isEqualTo("CANCELLED");
        assertThat(started(d)).containsExactly(reader2);
    }

    @Test
    void runs_found_ready_beyond_the_free_capacity_keep_their_turn_and_start_later_in_enqueue_order() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules4", Duration.ofSeconds(30), 100, 1000);
        UUID wa = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        UUID wb = queue.enqueue(org, dataflow(org, "etl", arr(), arr("b")), null).id();
        assertThat(started(d)).containsExactlyInAnyOrder(wa, wb);
        List<UUID> readersOfA = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            readersOfA.add(queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("ra" + i)), null).id());
        }
        List<UUID> readersOfB = new java.util.ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readersOfB.add(queue.enqueue(org, dataflow(org, "etl", arr("b"), arr("rb" + i)), null).id());
        }
        assertThat(started(d)).isEmpty();

        // a's release makes four readers ready; one worker is free: the other three wait as ready runs
        finishRunning(org, wa);
        assertThat(d.step(1).runs()).extracting(ClaimedRun::id).containsExactly(readersOfA.get(0));
        // b's release makes three more ready; of the seven, the four earliest start
        finishRunning(org, wb);
        assertThat(d.step(4).runs()).extracting(ClaimedRun::id).containsExactlyInAnyOrder(readersOfA.get(1),
                readersOfA.get(2), readersOfA.get(3), readersOfB.get(0));
        // the two found ready but not started are not lost: they start at the next step
        assertThat(d.step(10).runs()).extracting(ClaimedRun::id)
                .containsExactlyInAnyOrder(readersOfB.get(1), readersOfB.get(2));
    }

    @Test
    void a_workers_finish_is_reaped_by_the_next_step_even_one_without_capacity_and_its_wake_up_is_kept() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules5", Duration.ofSeconds(30), 100, 1000);
        UUID w = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        assertThat(started(d)).containsExactly(w);
        UUID r = queue.enqueue(org, dataflow(org, "etl", arr("a"), arr("ra")), null).id();
        assertThat(started(d)).isEmpty();

        finishRunning(org, w);
        // the worker's finish is only the fenced status change: its lock rows stay until a step reaps them
        assertThat(status(w)).isEqualTo("SUCCEEDED");
        assertThat(lockRows(w)).isPositive();

        // a step that may start nothing still reaps (locks released; the RunSucceeded event is appended then, as a
        // run_event_batch row naming the run — ExecutionIT and OutboxRelayIT read it from Kafka) and keeps the
        // wake-up for a later step
        Dispatcher.Step full = d.step(0);
        assertThat(full.runs()).isEmpty();
        assertThat(lockRows(w)).isZero();
        assertThat(jdbc.sql("select count(*) from run_event_batch where kind = 'finished' and :id = any(run_ids)")
                .param("id", w).query(Integer.class).single()).isEqualTo(1);
        assertThat(status(r)).isEqualTo("QUEUED");
        assertThat(started(d)).containsExactly(r);
    }

    @Test
    void a_dataflows_own_lock_is_written_only_while_it_has_a_second_active_run() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules6", Duration.ofSeconds(30), 100, 1000);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        UUID first = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).as("a lone run takes no dataflow lock").isEmpty();
        assertThat(started(d)).containsExactly(first);

        // a second run while the first runs: the first gets its row (its own, lower seq) and the second queues behind
        UUID second = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).containsExactly(first, second);
        assertThat(started(d)).isEmpty();
        assertThat(reader.find(org, second).orElseThrow().blockedBy()).extracting(RunView.Blocker::runId, RunView.Blocker::reason)
                .contains(tuple(first, "running: same dataflow (one run at a time, in enqueue order)"));
        finishRunning(org, first);
        assertThat(started(d)).containsExactly(second);

        // a third while the second runs queues behind it; cancelled, it leaves the second alone again
        UUID third = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).containsExactly(second, third);
        queue.cancel(org, third);
        finishRunning(org, second);
        assertThat(started(d)).isEmpty(); // reaps the second
        assertThat(flowRows(flow)).isEmpty();

        // nothing active: the next run is alone again
        UUID fourth = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).isEmpty();
        assertThat(started(d)).containsExactly(fourth);
    }

    @Test
    void a_cancelled_lone_run_leaves_no_dataflow_lock_behind_and_a_queued_lone_run_keeps_its_turn() {
        String org = newOrg();
        Dispatcher d = dispatcher("rules7", Duration.ofSeconds(30), 100, 1000);
        UUID holder = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        assertThat(started(d)).containsExactly(holder);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        // queued (blocked by the holder) and alone: no row; cancelled; the next run of the dataflow is alone too
        UUID lone = queue.enqueue(org, flow, null).id();
        queue.cancel(org, lone);
        UUID next = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).isEmpty();
        // a run enqueued behind the queued lone one waits for it, though the lone one had no row when it queued
        UUID after = queue.enqueue(org, flow, null).id();
        assertThat(flowRows(flow)).containsExactly(next, after);
        finishRunning(org, holder);
        assertThat(started(d)).containsExactly(next);
        finishRunning(org, next);
        assertThat(started(d)).containsExactly(after);
    }

    @Test
    void an_enqueue_that_waits_for_a_dataflow_update_pins_the_version_that_update_committed() throws Exception {
        String org = newOrg();
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        // an update of the dataflow (what PUT /api/dataflows/{id} does), committed while an enqueue waits for it
        try (Held<Integer> update = new Held<>(() -> {
            jdbc.sql("select current_version from dataflow where id = :id for update").param("id", flow)
                    .query(Integer.class).single();
            jdbc.sql("""
                    insert into dataflow_version (dataflow_id, version, type, definition, reads, writes)
                    select dataflow_id, 2, type, definition, reads, writes from dataflow_version
                    where dataflow_id = :id and version = 1""").param("id", flow).update();
            return jdbc.sql("update dataflow set current_version = 2 where id = :id").param("id", flow).update();
        })) {
            Future<RunQueue.Enqueued> enqueue = threads.submit(() -> queue.enqueue(org, flow, null));
            awaitLockWaiter("from dataflow");
            update.release();
            RunQueue.Enqueued run = enqueue.get(10, TimeUnit.SECONDS);
            assertThat(run.dataflowVersion()).isEqualTo(2);
            queue.cancel(org, run.id()); // the dispatcher of the next test starts every queued run it finds
        }
    }

    @Test
    void an_enqueue_behind_a_registering_solo_run_waits_for_nothing_and_holds_up_no_dispatch_step() throws Exception {
        String org = newOrg();
        Dispatcher d = dispatcher("rules8", Duration.ofSeconds(30), 100, 1000);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        UUID first = queue.enqueue(org, flow, null).id();
        assertThat(started(d)).containsExactly(first);
        UUID other = queue.enqueue(org, dataflow(org, "etl", arr("b"), arr("out2")), null).id();
        // the first run's worker registering its output holds the run's row (RunExecutor's lease check), for as
        // long as its table swap takes
        try (Held<UUID> register = holdRunRow(first)) {
            // a second run of the dataflow is enqueued behind it meanwhile, and a dispatch step runs
            UUID second = threads.submit(() -> queue.enqueue(org, flow, null)).get(10, TimeUnit.SECONDS).id();
            assertThat(threads.submit(() -> started(d)).get(10, TimeUnit.SECONDS)).containsExactly(other);
            assertThat(flowRows(flow)).containsExactly(first, second);
            register.release();
            finishRunning(org, first);
            assertThat(started(d)).containsExactly(second);
            finishRunning(org, second);
            finishRunning(org, other);
        }
    }

    @Test
    void a_cancel_of_the_solo_run_waits_for_an_enqueue_of_its_dataflow_and_releases_the_late_row_too()
            throws Exception {
        String org = newOrg();
        Dispatcher d = dispatcher("rules9", Duration.ofSeconds(30), 100, 1000);
        UUID holder = queue.enqueue(org, dataflow(org, "etl", arr(), arr("a")), null).id();
        assertThat(started(d)).containsExactly(holder);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        UUID solo = queue.enqueue(org, flow, null).id(); // queued behind the holder, alone: no f: row
        // an enqueue of a second run, held open after its work (a deploy event enqueues several in one transaction)
        try (Held<UUID> second = new Held<>(() -> queue.enqueue(org, flow, null).id())) {
            // the cancel waits for that transaction; when it commits, the cancel also deletes the solo run's late row
            Future<RunStatus> cancel = threads.submit(() -> queue.cancel(org, solo));
            awaitLockWaiter("finish_run");
            UUID secondId = second.release();
            assertThat(cancel.get(10, TimeUnit.SECONDS)).isEqualTo(RunStatus.CANCELLED);
            assertThat(flowRows(flow)).containsExactly(secondId);
            finishRunning(org, holder);
            assertThat(started(d)).containsExactly(secondId);
            finishRunning(org, secondId);
        }
    }

    @Test
    void an_expiry_of_the_solo_run_waits_for_an_enqueue_of_its_dataflow_and_releases_the_late_row_too()
            throws Exception {
        String org = newOrg();
        Dispatcher shortLease = dispatcher("rules10", Duration.ofMillis(300), 100, 1000);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        UUID solo = queue.enqueue(org, flow, null).id();
        assertThat(shortLease.step().runs()).extracting(ClaimedRun::id).containsExactly(solo);
        // its worker died: no heartbeat
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.sql(
                "select lease_until < clock_timestamp() from run where id = :id").param("id", solo)
                .query(Boolean.class).single());
        // the expired solo run gets its late row from an enqueue held open
        try (Held<UUID> second = new Held<>(() -> queue.enqueue(org, flow, null).id())) {
            Future<Integer> expiry = threads.submit(() -> leases.expire(100));
            awaitLockWaiter("finish_run");
            UUID secondId = second.release();
            assertThat(expiry.get(10, TimeUnit.SECONDS)).isPositive();
            assertThat(status(solo)).isEqualTo("FAILED");
            assertThat(flowRows(flow)).containsExactly(secondId);
            Dispatcher d = dispatcher("rules10b", Duration.ofSeconds(30), 100, 1000);
            assertThat(started(d)).containsExactly(secondId);
            finishRunning(org, secondId);
        }
    }

    @Test
    void a_cancel_waiting_for_a_running_runs_register_holds_up_no_enqueue_of_its_dataflow() throws Exception {
        String org = newOrg();
        Dispatcher d = dispatcher("rules11", Duration.ofSeconds(30), 100, 1000);
        UUID flow = dataflow(org, "etl", arr("a"), arr("out"));
        UUID running = queue.enqueue(org, flow, null).id();
        assertThat(started(d)).containsExactly(running);
        // the run's worker is registering its output: it holds the run's row (RunExecutor's lease check)
        try (Held<UUID> register = holdRunRow(running)) {
            Future<RunStatus> cancel = threads.submit(() -> queue.cancel(org, running));
            awaitLockWaiter("finish_run");
            // an enqueue of the dataflow meanwhile completes (queued behind the running run)
            UUID next = threads.submit(() -> queue.enqueue(org, flow, null)).get(10, TimeUnit.SECONDS).id();
            assertThat(flowRows(flow)).containsExactly(running, next);
            assertThat(cancel).isNotDone();
            register.release();
            assertThat(cancel.get(10, TimeUnit.SECONDS)).isEqualTo(RunStatus.CANCELLED);
            // the cancel released the running run's late row with its others: the next run starts
            assertThat(flowRows(flow)).containsExactly(next);
            assertThat(started(d)).containsExactly(next);
            finishRunning(org, next);
        }
    }

    /**
     * Work done in a transaction on another thread, whose transaction then stays open (its locks held) until
     * {@link #release} — or until the test ends.
     */
    private final class Held<T> implements AutoCloseable {
        private final CountDownLatch done = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);
        private final Future<T> result;

        Held(Supplier<T> work) {
            result = threads.submit(() -> tx.execute(s -> {
                T t = work.get();
                done.countDown();
                await(released);
                return t;
            }));
            await(done);
        }

        /** Commits the transaction; what the work returned. */
        T release() throws Exception {
            released.countDown();
            return result.get(10, TimeUnit.SECONDS);
        }

        @Override
        public void close() {
            released.countDown();
        }
    }

    /** The run's row held as its worker's register holds it (RunExecutor's lease check). */
    private Held<UUID> holdRunRow(UUID run) {
        return new Held<>(() -> jdbc.sql("select id from run where id = :id for no key update").param("id", run)
                .query(UUID.class).single());
    }

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(10, TimeUnit.SECONDS)).isTrue();
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Until a backend running a statement containing {@code fragment} waits for a heavyweight lock. */
    private void awaitLockWaiter(String fragment) {
        Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20))
                .until(() -> jdbc.sql("""
                        select count(*) from pg_stat_activity
                        where wait_event_type = 'Lock' and strpos(query, :fragment) > 0""")
                        .param("fragment", fragment).query(Integer.class).single() > 0);
    }

    /** The runs holding the dataflow's own lock row, in queue order. */
    private List<UUID> flowRows(UUID flow) {
        return jdbc.sql("select run_id from run_lock where resource = :r order by seq")
                .param("r", Resources.dataflow(flow)).query(UUID.class).list();
    }

    private int lockRows(UUID run) {
        return jdbc.sql("select count(*) from run_lock where run_id = :id").param("id", run).query(Integer.class).single();
    }

    private void finishRunning(String org, UUID run) {
        Long token = jdbc.sql("select fencing_token from run where id = :id").param("id", run).query(Long.class).single();
        Boolean done = tx.execute(s -> finisher.finish(run, token, RunStatus.SUCCEEDED, null));
        assertThat(done).isTrue();
    }

    private static org.assertj.core.groups.Tuple tuple(Object... values) {
        return org.assertj.core.groups.Tuple.tuple(values);
    }
}
