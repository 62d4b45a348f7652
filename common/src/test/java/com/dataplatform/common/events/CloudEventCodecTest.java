package com.dataplatform.common.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.common.topics.TopicCatalog;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

class CloudEventCodecTest {

    record DatasetUpdated(String dataset, long version, long rowCount) {
    }

    private final JsonMapper json = JsonMapper.builder().build();
    private final CloudEventCodec codec = new CloudEventCodec(json, "urn:dataplatform:dataflow-scheduler");
    private final OffsetDateTime now = OffsetDateTime.of(2026, 11, 22, 10, 15, 30, 0, ZoneOffset.ofHours(2));

    @Test
    void writes_binary_mode_headers_json_body_and_aggregate_key() {
        OutgoingEvent event = OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", "acme.sales", "acme",
                "sales", new DatasetUpdated("sales", 3, 42));
        ProducerRecord<String, byte[]> record = codec.toRecord(event, now);

        assertThat(record.topic()).isEqualTo("datasets.changes");
        assertThat(record.key()).isEqualTo("acme.sales");
        assertThat(header(record.headers().lastHeader("ce_specversion"))).isEqualTo("1.0");
        assertThat(header(record.headers().lastHeader("ce_id"))).isEqualTo(event.id());
        assertThat(header(record.headers().lastHeader("ce_source"))).isEqualTo("urn:dataplatform:dataflow-scheduler");
        assertThat(header(record.headers().lastHeader("ce_type"))).isEqualTo("DatasetUpdated");
        assertThat(header(record.headers().lastHeader("ce_time"))).isEqualTo("2026-11-22T08:15:30Z");
        assertThat(header(record.headers().lastHeader("ce_subject"))).isEqualTo("sales");
        assertThat(header(record.headers().lastHeader("ce_tenant"))).isEqualTo("acme");
        assertThat(header(record.headers().lastHeader("content-type"))).isEqualTo("application/json");
        assertThat(json.readValue(record.value(), Map.class)).containsEntry("dataset", "sales").containsEntry("rowCount", 42);
    }

    @Test
    void a_batch_encodes_each_item_exactly_as_a_single_event_would_be() {
        EventBatch batch = new EventBatch(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", "acme", "sales",
                List.of(new EventBatch.Item("acme.a", "id-a", new DatasetUpdated("a", 1, 10)),
                        new EventBatch.Item("acme.b", null, new DatasetUpdated("b", 2, 20))));
        List<ProducerRecord<String, byte[]>> records = codec.toRecords(batch, now);
        assertThat(records).hasSize(2);
        for (int i = 0; i < 2; i++) {
            EventBatch.Item item = batch.items().get(i);
            ProducerRecord<String, byte[]> got = records.get(i);
            OutgoingEvent single = OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", item.key(), "acme",
                    "sales", item.data()).withId(header(got.headers().lastHeader("ce_id")));
            ProducerRecord<String, byte[]> expected = codec.toRecord(single, now);
            assertThat(got.topic()).isEqualTo(expected.topic());
            assertThat(got.key()).isEqualTo(expected.key());
            assertThat(got.value()).isEqualTo(expected.value());
            for (Header h : expected.headers()) {
                assertThat(header(got.headers().lastHeader(h.key()))).as(h.key()).isEqualTo(header(h));
            }
            assertThat(got.headers().toArray()).hasSameSizeAs(expected.headers().toArray());
        }
        assertThat(header(records.get(0).headers().lastHeader("ce_id"))).isEqualTo("id-a");
        assertThat(header(records.get(1).headers().lastHeader("ce_id"))).isNotBlank();
        assertThatThrownBy(() -> new EventBatch(TopicCatalog.DATASETS_CHANGES, "RunStarted", "acme", null, List.of()))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new EventBatch(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", "Acme!", null,
                List.of())).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reads_back_what_it_wrote() {
        OutgoingEvent event = OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", "acme.sales", "acme",
                null, new DatasetUpdated("sales", 3, 42)).withId("evt-1").at(now);
        ReceivedEvent received = CloudEventCodec.read(asConsumed(codec.toRecord(event, OffsetDateTime.now())));

        assertThat(received.id()).isEqualTo("evt-1");
        assertThat(received.type()).isEqualTo("DatasetUpdated");
        assertThat(received.tenant()).isEqualTo("acme");
        assertThat(received.subject()).isNull();
        assertThat(received.time().toInstant()).isEqualTo(now.toInstant());
        assertThat(received.key()).isEqualTo("acme.sales");
        assertThat(received.dataAs(DatasetUpdated.class, json)).isEqualTo(new DatasetUpdated("sales", 3, 42));
    }

    @Test
    void rejects_records_missing_required_attributes_or_with_a_bad_tenant() {
        ProducerRecord<String, byte[]> good = codec.toRecord(OutgoingEvent.of(TopicCatalog.EMBED_VIEWS, "EmbedViewed",
                "p1", "acme", null, Map.of("page", "p1")), now);
        for (String required : new String[] {"ce_specversion", "ce_id", "ce_source", "ce_type", "ce_tenant"}) {
            ConsumerRecord<String, byte[]> record = asConsumed(good);
            record.headers().remove(required);
            assertThatThrownBy(() -> CloudEventCodec.read(record)).isInstanceOf(InvalidEventException.class)
                    .hasMessageContaining(required);
        }
        ConsumerRecord<String, byte[]> badTenant = asConsumed(good);
        badTenant.headers().remove("ce_tenant").add("ce_tenant", "Robert'); drop".getBytes(UTF_8));
        assertThatThrownBy(() -> CloudEventCodec.read(badTenant)).isInstanceOf(InvalidEventException.class);
        ConsumerRecord<String, byte[]> badTime = asConsumed(good);
        badTime.headers().remove("ce_time").add("ce_time", "yesterday".getBytes(UTF_8));
        assertThatThrownBy(() -> CloudEventCodec.read(badTime)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void a_body_of_the_wrong_shape_is_an_invalid_event() {
        ConsumerRecord<String, byte[]> record = asConsumed(codec.toRecord(OutgoingEvent.of(TopicCatalog.EMBED_VIEWS,
                "EmbedViewed", "p1", "acme", null, "just a string"), now));
        ReceivedEvent event = CloudEventCodec.read(record);
        assertThatThrownBy(() -> event.dataAs(DatasetUpdated.class, json)).isInstanceOf(InvalidEventException.class);
    }

    @Test
    void refuses_event_types_the_catalog_does_not_list_for_the_topic_and_bad_tenants() {
        assertThatThrownBy(() -> OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "RunStarted", "k", "acme", null, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("does not carry");
        assertThatThrownBy(() -> OutgoingEvent.of(TopicCatalog.DATASETS_CHANGES, "DatasetUpdated", "k", "ACME", null, 1))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static ConsumerRecord<String, byte[]> asConsumed(ProducerRecord<String, byte[]> p) {
        RecordHeaders headers = new RecordHeaders();
        p.headers().forEach(h -> headers.add(h.key(), h.value()));
        return new ConsumerRecord<>(p.topic(), 0, 7L, 0L, TimestampType.CREATE_TIME, -1, -1, p.key(), p.value(),
                headers, java.util.Optional.empty());
    }

    private static String header(Header h) {
        return h == null ? null : new String(h.value(), UTF_8);
    }
}
