package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.convert.Conversion;
import com.dataplatform.calendar.sync.convert.GoogleConverter;
import com.dataplatform.calendar.sync.convert.GraphConverter;
import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.common.web.ApiException;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Converts a pushed payload in its system's schema and stores every event of it in one transaction: rejected
 * events are reported (and kept as raw copies with their reason), the rest are stored — never half of one event.
 */
@Service
public class Ingestion {

    private final EventStore store;
    private final JsonMapper json;
    private final MeterRegistry metrics;

    Ingestion(EventStore store, JsonMapper json, MeterRegistry metrics) {
        this.store = store;
        this.json = json;
        this.metrics = metrics;
    }

    @Transactional
    public List<EventStore.Stored> ingestJson(CalendarSystem system, String body) {
        if (system.type() == CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("Content-Type", "a caldav system takes text/calendar, not JSON");
        }
        JsonNode payload;
        try {
            payload = json.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("body", "malformed JSON: " + e.getOriginalMessage());
        }
        if (payload == null || !payload.isObject()) {
            throw ApiException.invalid("body", "expected a " + system.type().wire() + " event object or its list envelope");
        }
        List<Conversion> conversions;
        try {
            conversions = system.type() == CalendarSystem.Type.GOOGLE
                    ? GoogleConverter.convert(payload, system.timeZone())
                    : GraphConverter.convert(payload, system.timeZone());
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid(system.type() == CalendarSystem.Type.GOOGLE ? "items" : "value", e.getMessage());
        }
        return storeAll(system, conversions);
    }

    @Transactional
    public List<EventStore.Stored> ingestICalendar(CalendarSystem system, String body) {
        if (system.type() != CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("Content-Type",
                    "a " + system.type().wire() + " system takes its own JSON schema, not text/calendar");
        }
        ICalendarConverter.Result result = ICalendarConverter.convert(body, system.timeZone());
        if (result.rejection() != null) {
            count(system, "rejected");
            throw ApiException.invalid("body", result.rejection());
        }
        return storeAll(system, result.events());
    }

    private List<EventStore.Stored> storeAll(CalendarSystem system, List<Conversion> conversions) {
        List<EventStore.Stored> out = conversions.stream().map(c -> store.store(system, c)).toList();
        out.forEach(s -> count(system, s.status()));
        return out;
    }

    private void count(CalendarSystem system, String status) {
        metrics.counter("calendar.events.ingested", "system_type", system.type().wire(), "status", status).increment();
    }
}
