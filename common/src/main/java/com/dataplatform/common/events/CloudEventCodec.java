package com.dataplatform.common.events;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dataplatform.common.lake.LakeNames;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import tools.jackson.databind.json.JsonMapper;

/** Maps suite events to and from Kafka records in CloudEvents binary mode (JSON body, attributes as headers). */
public final class CloudEventCodec {

    private final JsonMapper json;
    private final String source;

    public CloudEventCodec(JsonMapper json, String source) {
        this.json = json;
        this.source = source;
    }

    public ProducerRecord<String, byte[]> toRecord(OutgoingEvent event, OffsetDateTime now) {
        OffsetDateTime time = event.time() != null ? event.time() : now;
        ProducerRecord<String, byte[]> record = new ProducerRecord<>(event.topic().name(), event.key(),
                json.writeValueAsBytes(event.data()));
        Headers h = record.headers();
        put(h, CloudEventHeaders.SPEC_VERSION, CloudEventHeaders.SPEC_VERSION_VALUE);
        put(h, CloudEventHeaders.ID, event.id());
        put(h, CloudEventHeaders.SOURCE, source);
        put(h, CloudEventHeaders.TYPE, event.type());
        put(h, CloudEventHeaders.TIME, DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(time.withOffsetSameInstant(ZoneOffset.UTC)));
        if (event.subject() != null) {
            put(h, CloudEventHeaders.SUBJECT, event.subject());
        }
        put(h, CloudEventHeaders.TENANT, event.tenant());
        put(h, CloudEventHeaders.CONTENT_TYPE, CloudEventHeaders.JSON);
        return record;
    }

    /**
     * The records of a batch, in item order: the same headers {@link #toRecord} writes, with the shared attributes
     * encoded once (header values are never mutated, so the records share those byte arrays).
     */
    public List<ProducerRecord<String, byte[]>> toRecords(EventBatch batch, OffsetDateTime now) {
        byte[] specVersion = CloudEventHeaders.SPEC_VERSION_VALUE.getBytes(UTF_8);
        byte[] sourceBytes = source.getBytes(UTF_8);
        byte[] type = batch.type().getBytes(UTF_8);
        byte[] time = DateTimeFormatter.ISO_OFFSET_DATE_TIME.format(now.withOffsetSameInstant(ZoneOffset.UTC))
                .getBytes(UTF_8);
        byte[] subject = batch.subject() == null ? null : batch.subject().getBytes(UTF_8);
        byte[] tenant = batch.tenant().getBytes(UTF_8);
        byte[] contentType = CloudEventHeaders.JSON.getBytes(UTF_8);
        List<ProducerRecord<String, byte[]>> records = new ArrayList<>(batch.items().size());
        for (EventBatch.Item item : batch.items()) {
            ProducerRecord<String, byte[]> record = new ProducerRecord<>(batch.topic().name(), item.key(),
                    json.writeValueAsBytes(item.data()));
            Headers h = record.headers();
            h.add(CloudEventHeaders.SPEC_VERSION, specVersion);
            h.add(CloudEventHeaders.ID, (item.id() != null ? item.id() : UUID.randomUUID().toString()).getBytes(UTF_8));
            h.add(CloudEventHeaders.SOURCE, sourceBytes);
            h.add(CloudEventHeaders.TYPE, type);
            h.add(CloudEventHeaders.TIME, time);
            if (subject != null) {
                h.add(CloudEventHeaders.SUBJECT, subject);
            }
            h.add(CloudEventHeaders.TENANT, tenant);
            h.add(CloudEventHeaders.CONTENT_TYPE, contentType);
            records.add(record);
        }
        return records;
    }

    /** Reads and validates a record; throws {@link InvalidEventException} if a required attribute is missing. */
    public static ReceivedEvent read(ConsumerRecord<String, byte[]> record) {
        Headers h = record.headers();
        String specVersion = required(record, h, CloudEventHeaders.SPEC_VERSION);
        if (!CloudEventHeaders.SPEC_VERSION_VALUE.equals(specVersion)) {
            throw new InvalidEventException("unsupported ce_specversion " + specVersion + " at " + position(record));
        }
        String tenant = required(record, h, CloudEventHeaders.TENANT);
        if (!LakeNames.isOrg(tenant)) {
            throw new InvalidEventException("invalid ce_tenant at " + position(record));
        }
        String timeText = get(h, CloudEventHeaders.TIME);
        OffsetDateTime time;
        try {
            time = timeText == null ? null : OffsetDateTime.parse(timeText);
        } catch (DateTimeParseException e) {
            throw new InvalidEventException("invalid ce_time '" + timeText + "' at " + position(record), e);
        }
        if (record.value() == null) {
            throw new InvalidEventException("event without a body at " + position(record));
        }
        return new ReceivedEvent(required(record, h, CloudEventHeaders.ID), required(record, h, CloudEventHeaders.SOURCE),
                required(record, h, CloudEventHeaders.TYPE), time, get(h, CloudEventHeaders.SUBJECT), tenant,
                record.key(), record.value(), record.topic(), record.partition(), record.offset());
    }

    private static String required(ConsumerRecord<?, ?> record, Headers headers, String name) {
        String value = get(headers, name);
        if (value == null || value.isBlank()) {
            throw new InvalidEventException("missing CloudEvents header " + name + " at " + position(record));
        }
        return value;
    }

    private static String get(Headers headers, String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? null : new String(header.value(), UTF_8);
    }

    /** Adds a header to a record built here, so it has no earlier value of that name. */
    private static void put(Headers headers, String name, String value) {
        headers.add(name, value.getBytes(UTF_8));
    }

    private static String position(ConsumerRecord<?, ?> record) {
        return record.topic() + "-" + record.partition() + "@" + record.offset();
    }
}
