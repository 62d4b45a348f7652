package com.dataplatform.calendar.sync.caldav;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * One sync of a system at a time across nodes: the lease lives in PostgreSQL (database time), so two requests on
 * any nodes — or a node holding the lease while another polls — never run one system's sync concurrently, and
 * nothing is lost (the waiting sync pulls what changed after the first).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class SyncExclusionIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    CalDavSync sync;

    @Autowired
    com.dataplatform.calendar.sync.system.SystemStore systems;

    @Autowired
    javax.sql.DataSource dataSource;

    private int waitingForLocks() {
        return jdbc.sql("select count(*) from pg_locks where not granted").query(Integer.class).single();
    }

    private final String org = "ex" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    private final Radicale radicale = Radicale.get();

    private int count(String table) {
        return jdbc.sql("select count(*) from " + table + " where org = ?").param(org).query(Integer.class).single();
    }

    private String systemWith(int resources, String calendar) {
        String cal = radicale.calendar(org, calendar);
        for (int i = 0; i < resources; i++) {
            assertThat(radicale.send(org, "PUT", cal + "r" + i + ".ics", CalDavSyncIT.ics("r" + i + "@" + calendar,
                    "Meeting " + i, 0), null).statusCode()).isEqualTo(201);
        }
        return new Api(port, org).createSystem("""
                {"type":"caldav","name":"%s","master":false,"baseUrl":"%s","username":"%s","password":"pw"}"""
                .formatted(calendar, cal, org));
    }

    @Test
    void two_concurrent_sync_requests_run_one_after_the_other_and_ingest_every_resource_once() throws Exception {
        int resources = 25;
        String system = systemWith(resources, "concurrent");
        Api api = new Api(port, org);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<JsonNode>> calls = List.of(1, 2).stream().map(i -> CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                return api.sync(system);
            }, pool)).toList();
            go.countDown();
            List<JsonNode> reports = calls.stream().map(CompletableFuture::join).toList();

            // without the lock both would start from "no token" and fetch all 25 resources (50 raw copies)
            assertThat(reports.stream().mapToInt(r -> r.path("changed").asInt()).sum()).isEqualTo(resources);
            assertThat(reports.stream().filter(r -> r.path("fullResync").asBoolean()).count()).isEqualTo(1);
            assertThat(count("raw_event")).isEqualTo(resources);
            assertThat(count("unified_event")).isEqualTo(resources);
            assertThat(jdbc.sql("select sync_owner is null from calendar_system where id = ?::uuid").param(system)
                    .query(Boolean.class).single()).as("the lease is released").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void a_lease_held_by_another_node_makes_the_poll_skip_and_a_request_wait_until_it_is_released() throws Exception {
        String system = systemWith(3, "leased");
        // another node holds the lease (as its conditional update would have written it)
        jdbc.sql("update calendar_system set sync_owner = 'other-node', sync_lease_until = now() + interval '1 minute'"
                + " where id = ?::uuid").param(system).update();

        sync.pollDue();
        assertThat(count("raw_event")).as("the poll skipped the leased system").isZero();

        Api api = new Api(port, org);
        CompletableFuture<JsonNode> waiting = CompletableFuture.supplyAsync(() -> api.sync(system));
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !waiting.isDone());
        assertThat(count("raw_event")).isZero();

        // a resource added while the other node "runs" is not lost: the waiting sync pulls it too
        String cal = radicale.url("/" + org + "/leased/");
        radicale.send(org, "PUT", cal + "late.ics", CalDavSyncIT.ics("late@leased", "Late", 0), null);
        jdbc.sql("update calendar_system set sync_owner = null, sync_lease_until = null where id = ?::uuid")
                .param(system).update();
        JsonNode report = waiting.get(60, TimeUnit.SECONDS);
        assertThat(report.path("changed").asInt()).isEqualTo(4);
        assertThat(count("unified_event")).isEqualTo(4);
    }

    @Test
    void an_expired_lease_of_a_crashed_node_is_taken_over() {
        String system = systemWith(2, "expired");
        jdbc.sql("update calendar_system set sync_owner = 'crashed-node', sync_lease_until = now() - interval '1 second'"
                + " where id = ?::uuid").param(system).update();
        assertThat(new Api(port, org).sync(system).path("changed").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("select sync_owner is null and sync_lease_until is null and last_sync_at is not null"
                + " from calendar_system where id = ?::uuid").param(system).query(Boolean.class).single()).isTrue();
    }

    @Test
    void a_sync_whose_lease_was_taken_over_commits_nothing_more_and_leaves_no_duplicate_copies() throws Exception {
        int resources = 3;
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try (java.sql.Connection blocker = dataSource.getConnection()) {
            // hold every raw copy write (taken before the system exists: whichever sync runs first — this one or a
            // scheduled pull of another test context — fetches all resources and stalls writing the first one)
            blocker.setAutoCommit(false);
            try (var st = blocker.createStatement()) {
                st.execute("lock table raw_event in share mode");
            }
            String system = systemWith(resources, "fenced");
            var target = systems.find(org, UUID.fromString(system)).orElseThrow();
            CompletableFuture<Optional<CalDavSync.Report>> first = CompletableFuture.supplyAsync(
                    () -> sync.trySync(target), pool);
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingToWriteRawCopies() >= 1 && owner(system) != null);
            String firstOwner = owner(system);

            // its lease runs out while it stalls (last attempt = now: the scheduled pull leaves it to the request)
            // and a second sync takes it over, reads the same etags (nothing committed yet) and fetches everything
            CompletableFuture<CalDavSync.Report> second = CompletableFuture.supplyAsync(() -> sync.sync(target), pool);
            jdbc.sql("update calendar_system set sync_lease_until = now() - interval '1 second',"
                    + " last_sync_attempt_at = now() where id = ?::uuid").param(system).update();
            await().atMost(Duration.ofSeconds(60)).until(() -> !firstOwner.equals(owner(system)));
            await().atMost(Duration.ofSeconds(60)).until(() -> waitingForLocks() >= 2);
            blocker.rollback();

            CalDavSync.Report report = second.get(60, TimeUnit.SECONDS);
            await().atMost(Duration.ofSeconds(60)).until(first::isDone);
            // without the fence both syncs commit every resource: 6 raw copies
            assertThat(count("raw_event")).isEqualTo(resources);
            assertThat(jdbc.sql("select count(*) from raw_event where org = ? group by source_id").param(org)
                    .query(Integer.class).list()).hasSize(resources).containsOnly(1);
            assertThat(count("unified_event")).isEqualTo(resources);
            // the first sync's stalled write was rolled back by the fence and it stopped (if it was this request's;
            // a scheduled pull that got there first fails the same way, in its own thread)
            if (!first.isCompletedExceptionally()) {
                assertThat(first.get()).as("the first sync was a scheduled pull").isEmpty();
            } else {
                assertThatThrownBy(first::get).hasCauseInstanceOf(CalDavClient.CalDavException.class)
                        .hasMessageContaining("no longer held");
            }
            assertThat(report.changed()).isEqualTo(resources);
            assertThat(jdbc.sql("select sync_owner is null and sync_token is not null from calendar_system"
                    + " where id = ?::uuid").param(system).query(Boolean.class).single())
                    .as("the second sync stored its token and released the lease").isTrue();
        } finally {
            pool.shutdownNow();
        }
    }

    private String owner(String system) {
        String owner = jdbc.sql("select coalesce(sync_owner, '') from calendar_system where id = ?::uuid")
                .param(system).query(String.class).single();
        return owner.isEmpty() ? null : owner;
    }

    private int waitingToWriteRawCopies() {
        return jdbc.sql("""
                select count(*) from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'
                  and position('insert into raw_event' in query) > 0""").query(Integer.class).single();
    }
}
