package com.dataplatform.dataflow.scheduler.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.OutboxRelay;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import tools.jackson.databind.JsonNode;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.context.TestPropertySource;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The outbox against real PostgreSQL and Kafka when the database and the send disagree. The scheduled relay only
 * runs at startup here, so the test drives every relay pass itself.
 */
@TestPropertySource(properties = "dataflow.outbox.poll-interval=1h")
class OutboxRelayIT extends ApiTestBase {

    @Autowired
    Outbox outbox;
    @Autowired
    OutboxRelay relay;
    @Autowired
    TransactionTemplate tx;
    @Autowired
    javax.sql.DataSource dataSource;

    private final String org = newOrg();

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<ConsumerRecord<String, byte[]>> withKey(List<ConsumerRecord<String, byte[]>> records,
            String key) {
        return records.stream().filter(r -> key.equals(r.key())).toList();
    }

    private int rowsWithKey(String key) {
        return jdbc.sql("select count(*) from outbox where key = :k").param("k", key).query(Integer.class).single();
    }

    private int batchRowsNaming(String runId) {
        return jdbc.sql("select count(*) from run_event_batch where cast(:id as uuid) = any(run_ids)")
                .param("id", runId).query(Integer.class).single();
    }

    /**
     * A dataflow copying a fresh dataset, run to its end and reaped: its RunQueued is an outbox row, and the step that
     * started it and the one that reaped it each wrote a batch row naming it. Returns the dataflow id and the run id.
     */
    private String[] runAndReap(String name) throws Exception {
        assertThat(putCsv(org, name + "_src", "id\n1\n2\n").status()).isEqualTo(200);
        Response created = postJson(org, "/api/dataflows", """
                {"name": "%s", "type": "relay", "nodes": [
                  {"id": "s", "op": "source", "dataset": "%s_src"},
                  {"id": "o", "op": "register", "input": "s", "dataset": "%s_dst"}]}""".formatted(name, name, name));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String dataflowId = created.json().path("id").asString();
        String runId = postJson(org, "/api/dataflows/" + dataflowId + "/runs", null).json().path("id").asString();
        await().atMost(Duration.ofSeconds(60)).until(() -> batchRowsNaming(runId) == 2);
        return new String[] {dataflowId, runId};
    }

    @Test
    void a_relay_that_dies_after_sending_but_before_deleting_resends_the_same_event_id() {
        String key = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> outbox.append(TopicCatalog.DATAFLOW_RUNS, "RunQueued", key, org, "df",
                Map.of("runId", key, "status", "QUEUED")));

        // the relay's transaction is rolled back after Kafka acknowledged: as if the process died before the delete
        tx.executeWithoutResult(s -> {
            assertThat(relay.relayBatch(500)).isPositive();
            s.setRollbackOnly();
        });
        assertThat(rowsWithKey(key)).isEqualTo(1);
        assertThat(withKey(readTopic("dataflow.runs", Duration.ofSeconds(30),
                got -> !withKey(got, key).isEmpty()), key)).hasSize(1);

        while (relay.relayBatch(500) > 0) {
            // drain
        }
        assertThat(rowsWithKey(key)).isZero();
        List<ConsumerRecord<String, byte[]>> sent = withKey(readTopic("dataflow.runs", Duration.ofSeconds(30),
                got -> withKey(got, key).size() >= 2), key);
        assertThat(sent).hasSize(2);
        assertThat(header(sent.get(0), "ce_id")).isNotBlank().isEqualTo(header(sent.get(1), "ce_id"));
        assertThat(header(sent.get(0), "ce_tenant")).isEqualTo(org);
    }

    @Test
    void a_relayer_sends_nothing_while_another_one_holds_the_relay_lock_so_no_later_row_can_overtake_an_earlier_one()
            throws Exception {
        String key = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> outbox.append(TopicCatalog.DATAFLOW_RUNS, "RunQueued", key, org, "df",
                Map.of("runId", key)));
        // another relayer (thread or instance) is in the middle of its pass: it holds this schema's relay lock
        try (java.sql.Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (java.sql.Statement st = other.createStatement();
                    java.sql.ResultSet rs = st.executeQuery("select pg_try_advisory_xact_lock(hashtextextended("
                            + "'dataplatform-outbox-relay|' || current_schema(), 0))")) {
                assertThat(rs.next() && rs.getBoolean(1)).isTrue();
            }
            assertThat(relay.relayBatch(500)).as("the pass leaves the rows to the lock's holder").isZero();
            assertThat(rowsWithKey(key)).isEqualTo(1);
            other.rollback(); // the other relayer's pass ends
        }
        assertThat(relay.relayBatch(500)).isPositive();
        assertThat(rowsWithKey(key)).isZero();
    }

    @Test
    void an_event_of_a_rolled_back_change_is_never_sent() {
        String rolledBack = UUID.randomUUID().toString();
        String committed = UUID.randomUUID().toString();
        tx.executeWithoutResult(s -> {
            outbox.append(TopicCatalog.DATAFLOW_RUNS, "RunQueued", rolledBack, org, "df", Map.of("runId", rolledBack));
            s.setRollbackOnly();
        });
        tx.executeWithoutResult(s -> outbox.append(TopicCatalog.DATAFLOW_RUNS, "RunQueued", committed, org, "df",
                Map.of("runId", committed)));
        while (relay.relayBatch(500) > 0) {
            // drain
        }
        List<ConsumerRecord<String, byte[]>> all = readTopic("dataflow.runs", Duration.ofSeconds(30),
                got -> !withKey(got, committed).isEmpty());
        assertThat(withKey(all, committed)).hasSize(1);
        assertThat(withKey(all, rolledBack)).isEmpty();
    }

    @Test
    void a_runs_events_from_the_outbox_and_the_steps_batch_rows_are_sent_in_its_history_order_and_resent_with_the_same_ids()
            throws Exception {
        String[] ran = runAndReap("relay_copy");
        String runId = ran[1];
        assertThat(jdbc.sql("select count(*) from outbox where key = :k").param("k", runId).query(Integer.class).single())
                .isEqualTo(1);

        // one row per pass (limit 1): whichever of the two tables holds the lowest id; all of it rolled back after
        // Kafka acknowledged, as if the relay died before its deletes
        tx.executeWithoutResult(s -> {
            int passes = 0;
            while (relay.relayBatch(1) > 0) {
                passes++;
            }
            assertThat(passes).isGreaterThanOrEqualTo(3);
            s.setRollbackOnly();
        });
        assertThat(batchRowsNaming(runId)).isEqualTo(2);
        while (relay.relayBatch(1) > 0) {
            // drain
        }
        assertThat(batchRowsNaming(runId)).isZero();
        assertThat(rowsWithKey(runId)).isZero();

        List<ConsumerRecord<String, byte[]>> sent = withKey(readTopic("dataflow.runs", Duration.ofSeconds(30),
                got -> withKey(got, runId).size() >= 6), runId);
        List<ReceivedEvent> events = sent.stream().map(CloudEventCodec::read).toList();
        assertThat(events).extracting(ReceivedEvent::type).containsExactly("RunQueued", "RunStarted", "RunSucceeded",
                "RunQueued", "RunStarted", "RunSucceeded");
        for (int i = 0; i < 3; i++) {
            assertThat(header(sent.get(i), "ce_id")).isEqualTo(header(sent.get(i + 3), "ce_id"));
            assertThat(header(sent.get(i), "ce_tenant")).isEqualTo(org);
        }
        assertThat(sent.stream().map(r -> header(r, "ce_id")).distinct()).hasSize(3);
        JsonNode started = JSON.readTree(events.get(1).data());
        assertThat(started.path("runId").asString()).isEqualTo(runId);
        assertThat(started.path("status").asString()).isEqualTo("RUNNING");
        assertThat(started.path("dataflowVersion").asInt()).isEqualTo(1);
        assertThat(started.path("type").asString()).isEqualTo("relay");
        JsonNode succeeded = JSON.readTree(events.get(2).data());
        assertThat(succeeded.path("status").asString()).isEqualTo("SUCCEEDED");
        assertThat(succeeded.path("error").isNull()).isTrue();
        assertThat(succeeded.path("dataflowId").asString()).isEqualTo(ran[0]);
    }

    @Test
    void a_pass_takes_batch_rows_naming_at_most_its_limit_of_runs_and_one_relay_call_drains_every_row() throws Exception {
        String runId = runAndReap("drain_copy")[1];
        while (relay.relayBatch(500) > 0) {
            // drain what is there
        }
        // 120 rows of 3 runs each (the run named three times: events with ids of their own) — more than one pass's
        // 50 rows and more than a limit of 4 runs
        jdbc.sql("insert into run_event_batch (kind, run_ids) select 'started', array[r, r, r] "
                + "from (select cast(:id as uuid) as r) x, generate_series(1, 120)").param("id", runId).update();
        assertThat(relay.relayBatch(4)).as("more remain: the pass says so").isEqualTo(4);
        assertThat(jdbc.sql("select count(*) from run_event_batch").query(Integer.class).single())
                .as("the first row (3 runs) fits the limit of 4, the second would not").isEqualTo(119);
        relay.relayPending();
        assertThat(jdbc.sql("select count(*) from run_event_batch").query(Integer.class).single()).isZero();
        List<ConsumerRecord<String, byte[]>> started = withKey(readTopic("dataflow.runs", Duration.ofSeconds(30),
                got -> withKey(got, runId).stream().filter(r -> "RunStarted".equals(header(r, "ce_type"))).count() >= 361),
                runId).stream().filter(r -> "RunStarted".equals(header(r, "ce_type"))).toList();
        assertThat(started.stream().map(r -> header(r, "ce_id")).distinct()).hasSize(361);
    }
}
