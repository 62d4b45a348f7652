package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Flow 2, extraction → distribution: bulk-extract extracts a group of users while writers keep changing that
 * group's (and other users') records; stream-distributor delivers the org's {@code extract.records} to a webhook,
 * and the node delivering it is SIGKILLed mid-way (two nodes run). The receiver ends up with every record the
 * extraction published (none lost across the failover; redeliveries are recognised by their CloudEvents id), in
 * version order per key, and its final view of the group equals the source table: no gap, no duplicate.
 */
@Order(20)
class ExtractionToDistributionIT {

    private static final List<String> GROUP = List.of("u1", "u2", "u3");
    private static final String SECRET = "e2e-webhook-secret-0123456789";

    @Test
    void the_receiver_gets_snapshot_and_changes_exactly_across_a_node_kill() throws Exception {
        Stack stack = Stack.get();
        Api api = new Api(stack, Api.freshOrg("flow2"), "admin");
        long seed = System.nanoTime();
        System.out.println("flow 2 seed " + seed);
        Random random = new Random(seed);

        try (WebhookReceiver receiver = new WebhookReceiver(SECRET)) {
            String stream = api.post(Stack.DISTRIBUTOR, "/api/streams", """
                    {"name": "group-to-hook", "source": {"topic": "extract.records"},
                     "destination": {"type": "webhook", "url": "%s", "secret": "%s"}}""".formatted(receiver.url(), SECRET),
                    201).path("id").asString();
            await().atMost(Duration.ofSeconds(60)).until(() ->
                    "ACTIVE".equals(api.get(Stack.DISTRIBUTOR, "/api/streams/" + stream).path("status").asString()));

            // 600 records: 400 in the group, 200 of users outside it
            for (int batch = 0; batch < 6; batch++) {
                StringBuilder upserts = new StringBuilder();
                for (int i = 0; i < 100; i++) {
                    int id = batch * 100 + i;
                    upserts.append(upserts.length() == 0 ? "" : ",").append(record(id, user(id), 0));
                }
                api.post(Stack.EXTRACT, "/api/sources/contacts/records", "{\"upserts\": [" + upserts + "]}", 200);
            }

            AtomicBoolean writing = new AtomicBoolean(true);
            AtomicInteger writes = new AtomicInteger();
            Thread writer = new Thread(() -> {
                int rev = 1;
                while (writing.get()) {
                    int id = random.nextInt(650); // also creates new records while the snapshot runs
                    String body = random.nextInt(10) == 0 ? "{\"deletes\": [\"c" + id + "\"]}"
                            : "{\"upserts\": [" + record(id, user(id), rev++) + "]}";
                    api.post(Stack.EXTRACT, "/api/sources/contacts/records", body, 200);
                    writes.incrementAndGet();
                }
            }, "flow2-writer");
            writer.start();

            try {
                extractAndCheck(stack, api, receiver, stream, writing, writer, writes);
            } finally {
                writing.set(false);
                writer.join();
            }
        }
    }

    private void extractAndCheck(Stack stack, Api api, WebhookReceiver receiver, String stream, AtomicBoolean writing,
            Thread writer, AtomicInteger writes) throws Exception {
        String job = api.post(Stack.EXTRACT, "/api/extractions",
                "{\"entities\": [\"contacts\"], \"userIds\": [\"u1\", \"u2\", \"u3\"], \"chunkSize\": 40}", 202)
                .path("id").asString();
        // mid-way: the node delivering the stream dies without a chance to clean up
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
                .until(() -> receiver.records().size() >= 50);
        String owner = api.get(Stack.DISTRIBUTOR, "/api/streams/" + stream).path("owner").asString();
        String victim = owner.equals("node-a") ? Stack.DISTRIBUTOR : Stack.DISTRIBUTOR_2;
        stack.fleet().kill(victim);
        long killed = System.nanoTime();
        int atKill = receiver.records().size();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() ->
                "STREAMING".equals(api.get(Stack.EXTRACT, "/api/extractions/" + job).path("status").asString()));
        await().atMost(Duration.ofSeconds(60)).until(() -> receiver.records().size() > atKill);
        System.out.printf("flow 2: %s (owner %s) killed; deliveries resumed after %d ms%n", victim, owner,
                (System.nanoTime() - killed) / 1_000_000);
        int atStreaming = writes.get(); // changes keep flowing while the job streams
        await().atMost(Duration.ofSeconds(30)).until(() -> writes.get() >= atStreaming + 10);
        writing.set(false);
        writer.join();

        // everything the extraction published for this job
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            Set<String> published = new HashSet<>();
            for (ConsumerRecord<String, byte[]> r : Topics.ofTenant(stack.kafkaBootstrap(), "extract.records", api.org())) {
                if (job.equals(Topics.header(r, "ce_subject"))) {
                    published.add(Topics.header(r, "ce_id"));
                }
            }
            Set<String> received = new HashSet<>();
            receiver.records().forEach(r -> received.add(r.path("id").asString()));
            assertThat(published).isNotEmpty();
            assertThat(received).as("every published record reached the webhook, nothing else did")
                    .isEqualTo(published);
            assertThat(finalView(receiver.records())).as("the receiver's view equals the source")
                    .isEqualTo(sourceRows(stack, api.org()));
        });

        // bulk-extract's documented rule per key: a record whose version is not above the last one kept is dropped
        // (a change already contained in the key's snapshot, or a redelivery after the failover: same ce_id)
        Map<String, Long> lastKept = new HashMap<>();
        Set<String> seen = new HashSet<>();
        int redelivered = 0;
        int dropped = 0;
        for (JsonNode r : receiver.records()) {
            if (!seen.add(r.path("id").asString())) {
                redelivered++;
                continue;
            }
            long version = r.path("data").path("version").asLong();
            Long last = lastKept.get(r.path("key").asString());
            if (last != null && version <= last) {
                dropped++;
            } else {
                lastKept.put(r.path("key").asString(), version);
            }
        }
        System.out.printf("flow 2: %d records not above the last kept version of their key (dropped by the rule)%n",
                dropped);
        assertThat(receiver.badSignatures()).isZero();
        System.out.printf("flow 2: %d writes during the run, %d records received, %d redelivered after the kill%n",
                writes.get(), receiver.records().size(), redelivered);
        stack.fleet().start(victim);
    }

    /** A record's user never changes: every fourth record belongs to someone outside the group. */
    private static String user(int id) {
        return id % 4 == 3 ? "x" + (id % 5) : GROUP.get(id % GROUP.size());
    }

    private static String record(int id, String user, int rev) {
        return "{\"id\": \"c" + id + "\", \"userId\": \"" + user + "\", \"data\": {\"name\": \"contact " + id
                + "\", \"rev\": " + rev + "}}";
    }

    /** id → data of the group's live records, as the receiver reconstructs them (last version per key wins). */
    private static Map<String, JsonNode> finalView(List<JsonNode> records) {
        Map<String, JsonNode> latest = new HashMap<>();
        for (JsonNode r : records) {
            JsonNode data = r.path("data");
            String id = data.path("id").asString();
            JsonNode had = latest.get(id);
            if (had == null || had.path("version").asLong() < data.path("version").asLong()) {
                latest.put(id, data);
            }
        }
        Map<String, JsonNode> view = new java.util.TreeMap<>();
        latest.forEach((id, data) -> {
            if (!"delete".equals(data.path("op").asString())) {
                view.put(id, data.path("data"));
            }
        });
        return view;
    }

    private static Map<String, JsonNode> sourceRows(Stack stack, String org) {
        Map<String, JsonNode> rows = new java.util.TreeMap<>();
        stack.jdbc().sql("select id, payload::text as payload from bulk_extract.contacts where org = ? and user_id in (?, ?, ?)")
                .param(org).param(GROUP.get(0)).param(GROUP.get(1)).param(GROUP.get(2))
                .query((rs, n) -> rows.put(rs.getString("id"), Api.JSON.readTree(rs.getString("payload"))))
                .list();
        return rows;
    }
}
