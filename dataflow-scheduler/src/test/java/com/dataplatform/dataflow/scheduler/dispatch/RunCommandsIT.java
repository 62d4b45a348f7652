package com.dataplatform.dataflow.scheduler.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import com.dataplatform.testsupport.SuiteKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Run requests arriving on dataflow.commands (real Kafka, real PostgreSQL, the service's own listener). */
class RunCommandsIT extends ApiTestBase {

    private static final CloudEventCodec CODEC = new CloudEventCodec(JSON, "/test/run-commands");

    private final String org = newOrg();
    private String dataflowId;

    @BeforeEach
    void dataflow() throws Exception {
        assertThat(putCsv(org, "sales", "id,region,amount\n1,EU,10\n2,US,5\n").status()).isEqualTo(200);
        Response created = postJson(org, "/api/dataflows", "{\"name\": \"copy\", \"type\": \"etl\", \"nodes\": ["
                + "{\"id\": \"s\", \"op\": \"source\", \"dataset\": \"sales\"},"
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"sales_copy\"}]}");
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        dataflowId = created.json().path("id").asString();
    }

    private static ProducerRecord<String, byte[]> request(String tenant, Object body) {
        return CODEC.toRecord(OutgoingEvent.of(TopicCatalog.DATAFLOW_COMMANDS, "RunRequested", "k", tenant, null, body),
                OffsetDateTime.now());
    }

    private static void send(ProducerRecord<String, byte[]> record) throws Exception {
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, SuiteKafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(cfg)) {
            producer.send(record).get();
        }
    }

    private List<String> runs() {
        return jdbc.sql("select status from run where org = :org and dataflow_id = cast(:df as uuid) order by seq")
                .param("org", org).param("df", dataflowId).query(String.class).list();
    }

    @Test
    void a_run_request_runs_the_dataflow_once_even_when_the_event_is_delivered_twice() throws Exception {
        ProducerRecord<String, byte[]> record = request(org, Map.of("dataflowId", dataflowId));
        send(record);
        await().atMost(Duration.ofSeconds(60)).until(() -> runs().equals(List.of("SUCCEEDED")));
        assertThat(get(org, "/api/datasets/sales_copy").json().path("rowCount").asInt()).isEqualTo(2);

        send(record); // a redelivery: the same ce_id
        send(request(org, Map.of("dataflowId", dataflowId, "idempotencyKey", "m1")));
        // same key, same partition: once the second request has run, the redelivery before it has been handled
        await().atMost(Duration.ofSeconds(60)).until(() -> "SUCCEEDED".equals(jdbc.sql(
                "select status from run where org = :org and idempotency_key = 'm1'").param("org", org)
                .query(String.class).optional().orElse(null)));
        assertThat(runs()).containsExactly("SUCCEEDED", "SUCCEEDED");

        // the run list a user sees: both runs, newest first, filtered by dataflow and status
        JsonNode listed = get(org, "/api/runs?dataflowId=" + dataflowId + "&status=SUCCEEDED&limit=10").json();
        assertThat(listed).hasSize(2);
        assertThat(listed.get(0).path("dataflowId").asString()).isEqualTo(dataflowId);
        assertThat(get(org, "/api/runs?status=FAILED").json()).isEmpty();
        assertThat(get(newOrg(), "/api/runs?dataflowId=" + dataflowId).json()).as("another org").isEmpty();
    }

    @Test
    void requests_for_another_orgs_dataflow_or_unknown_ones_go_to_the_dead_letter_topic_and_queue_nothing()
            throws Exception {
        String stranger = newOrg();
        String marker = UUID.randomUUID().toString();
        send(request(stranger, Map.of("dataflowId", dataflowId, "idempotencyKey", marker)));
        send(request(org, Map.of("dataflowId", UUID.randomUUID().toString(), "idempotencyKey", marker)));
        send(request(org, Map.of("dataflowId", "not-a-uuid", "idempotencyKey", marker)));
        List<ConsumerRecord<String, byte[]>> dead = readTopic("dataflow.commands.dlt", Duration.ofSeconds(60),
                got -> got.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker))
                        .count() == 3);
        assertThat(dead.stream().filter(r -> new String(r.value(), StandardCharsets.UTF_8).contains(marker)))
                .hasSize(3);
        assertThat(runs()).isEmpty();
        assertThat(jdbc.sql("select count(*) from run where org = :o").param("o", stranger).query(Integer.class)
                .single()).isZero();
    }
}
