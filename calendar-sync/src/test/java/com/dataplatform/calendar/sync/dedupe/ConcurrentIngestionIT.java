package com.dataplatform.calendar.sync.dedupe;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.calendar.sync.Api;
import com.dataplatform.testsupport.SuiteInfrastructure;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The same meeting pushed by two systems at the same moment — under one iCalUID, or under two that the fuzzy rule
 * joins — ends as exactly one unified event, with both raw copies on it and (for fuzzy merges) exactly one alias and
 * one recorded merge. Seeded: the seed is printed and names the failing case.
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@TestPropertySource(properties = {Api.ALLOW_LOOPBACK, Api.CREDENTIALS_KEY})
@SuiteInfrastructure
class ConcurrentIngestionIT {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    private final String org = "cc" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);

    private static String google(String uid, String title, Instant start) {
        return """
                {"id":"g-%s","iCalUID":"%s","summary":"%s","updated":"2026-02-01T10:00:00Z",
                 "organizer":{"email":"Lead@Example.com"},
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"},
                 "attendees":[{"email":"bob@example.com","responseStatus":"accepted"}]}"""
                .formatted(uid, uid, title, start, start.plus(1, ChronoUnit.HOURS));
    }

    private static String graph(String uid, String title, Instant start) {
        return """
                {"id":"o-%s","iCalUId":"%s","subject":"RE: %s","type":"singleInstance",
                 "lastModifiedDateTime":"2026-02-02T10:00:00Z","organizer":{"emailAddress":{"address":"lead@example.com"}},
                 "start":{"dateTime":"%s","timeZone":"UTC"},"end":{"dateTime":"%s","timeZone":"UTC"},
                 "attendees":[{"emailAddress":{"address":"bob@example.com"}}]}"""
                .formatted(uid, uid, title, start.toString().replace("Z", ""),
                        start.plus(1, ChronoUnit.HOURS).toString().replace("Z", ""));
    }

    @Test
    void the_same_meeting_pushed_concurrently_by_two_systems_becomes_exactly_one_event() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ConcurrentIngestionIT seed = " + seed);
        Random random = new Random(seed);
        Api api = new Api(port, org);
        String google = api.createSystem("{\"type\":\"google\",\"name\":\"Google\",\"master\":false}");
        String graph = api.createSystem("{\"type\":\"graph\",\"name\":\"Outlook\",\"master\":false}");

        int meetings = 12;
        List<String[]> cases = new ArrayList<>(); // googleUid, graphUid
        List<Runnable> pushes = new ArrayList<>();
        List<HttpResponse<String>> responses = Collections.synchronizedList(new ArrayList<>());
        for (int i = 0; i < meetings; i++) {
            // distinct slots per meeting (i days apart), random time of day
            Instant start = Instant.parse("2026-06-01T00:00:00Z").plus(i, ChronoUnit.DAYS)
                    .plus(random.nextInt(96) * 15L, ChronoUnit.MINUTES);
            String title = "Planning " + Integer.toString(random.nextInt(1 << 20), 36) + " " + i;
            boolean sameUid = i % 2 == 0;
            String gUid = "m" + i + "-google@" + seed;
            String oUid = sameUid ? gUid : "m" + i + "-outlook@" + seed;
            cases.add(new String[] {gUid, oUid});
            pushes.add(() -> responses.add(api.send("POST", "/api/systems/" + google + "/events", "application/json",
                    google(gUid, title, start))));
            pushes.add(() -> responses.add(api.send("POST", "/api/systems/" + graph + "/events", "application/json",
                    graph(oUid, title, start))));
        }
        Collections.shuffle(pushes, random);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<CompletableFuture<Void>> running = pushes.stream().map(p -> CompletableFuture.runAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
                p.run();
            }, pool)).toList();
            go.countDown();
            running.forEach(CompletableFuture::join);
        } finally {
            pool.shutdownNow();
        }

        assertThat(responses).as("seed %d", seed).allSatisfy(r -> assertThat(r.statusCode()).as(r.body()).isEqualTo(202));
        assertThat(jdbc.sql("select count(*) from unified_event where org = ?").param(org).query(Integer.class).single())
                .as("seed %d", seed).isEqualTo(meetings);
        for (String[] c : cases) {
            List<UUID> targets = jdbc.sql("select distinct unified_event_id from raw_event where org = ? and ical_uid in (?, ?)")
                    .params(org, c[0], c[1]).query(UUID.class).list();
            assertThat(targets).as("seed %d, %s", seed, String.join(" / ", c)).hasSize(1);
            if (!c[0].equals(c[1])) {
                List<Map<String, Object>> aliases = jdbc.sql("""
                        select a.ical_uid, a.unified_event_id, e.ical_uid as survivor from uid_alias a
                        join unified_event e on e.id = a.unified_event_id where a.org = ? and a.ical_uid in (?, ?)""")
                        .params(org, c[0], c[1]).query().listOfRows();
                assertThat(aliases).as("seed %d, one alias for the later UID", seed).hasSize(1);
                assertThat(aliases.get(0).get("unified_event_id")).isEqualTo(targets.get(0));
                assertThat(List.of(c[0], c[1])).contains((String) aliases.get(0).get("survivor"))
                        .contains((String) aliases.get(0).get("ical_uid"));
                assertThat(jdbc.sql("select count(*) from event_merge where org = ? and unified_event_id = ?")
                        .params(org, targets.get(0)).query(Integer.class).single()).isEqualTo(1);
            }
        }
    }
}
