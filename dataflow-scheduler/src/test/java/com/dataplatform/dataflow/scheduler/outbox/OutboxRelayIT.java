package com.dataplatform.dataflow.scheduler.outbox;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.common.events.OutboxRelay;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
}
