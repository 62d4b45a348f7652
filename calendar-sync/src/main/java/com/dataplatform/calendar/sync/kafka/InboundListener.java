package com.dataplatform.calendar.sync.kafka;

import com.dataplatform.calendar.sync.ingest.Ingestion;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.InvalidEventException;
import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.web.ApiException;
import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * {@code calendar.inbound}: the same payloads as the push API, keyed by system id, the org in the CloudEvents
 * tenant. Google/Graph systems: the body is the system's JSON (event or list envelope); CalDAV systems: a JSON object
 * {@code {"iCalendar": "BEGIN:VCALENDAR..."}}. Applied once per ce_id (ProcessedEvents, same transaction as the
 * ingestion); an unknown system or a payload the push API would refuse goes to {@code calendar.inbound.dlt}.
 */
@Component
class InboundListener {

    static final String CONSUMER = "calendar-sync-inbound";

    private final SystemStore systems;
    private final Ingestion ingestion;
    private final ProcessedEvents processed;
    private final TransactionTemplate tx;
    private final JsonMapper json;

    InboundListener(SystemStore systems, Ingestion ingestion, ProcessedEvents processed, TransactionTemplate tx,
            JsonMapper json) {
        this.systems = systems;
        this.ingestion = ingestion;
        this.processed = processed;
        this.tx = tx;
        this.json = json;
    }

    @KafkaListener(topics = "calendar.inbound", groupId = "calendar-sync")
    void onEvent(ConsumerRecord<String, byte[]> record) {
        ReceivedEvent event = CloudEventCodec.read(record);
        if (!"CalendarEventReceived".equals(event.type())) {
            throw new InvalidEventException("unexpected event type " + event.type() + " on calendar.inbound");
        }
        String systemKey = event.key() != null ? event.key() : event.subject();
        UUID systemId;
        try {
            systemId = UUID.fromString(systemKey);
        } catch (RuntimeException e) {
            throw new InvalidEventException("key is not a calendar system id: " + systemKey);
        }
        CalendarSystem system = systems.find(event.tenant(), systemId)
                .orElseThrow(() -> new InvalidEventException("org " + event.tenant() + " has no calendar system " + systemId));
        String body = new String(event.data(), StandardCharsets.UTF_8);
        try {
            tx.executeWithoutResult(s -> {
                if (!processed.firstDelivery(CONSUMER, event)) {
                    return;
                }
                if (system.type() == CalendarSystem.Type.CALDAV) {
                    JsonNode node = json.readTree(body);
                    if (node == null || !node.path("iCalendar").isString()) {
                        throw ApiException.invalid("iCalendar", "a caldav system's inbound event is {\"iCalendar\": \"...\"}");
                    }
                    ingestion.ingestICalendar(system, node.get("iCalendar").asString());
                } else {
                    ingestion.ingestJson(system, body);
                }
            });
        } catch (ApiException | tools.jackson.core.JacksonException e) {
            throw new InvalidEventException("event " + event.id() + " cannot be ingested: " + e.getMessage(), e);
        }
    }
}
