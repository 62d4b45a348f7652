package com.dataplatform.common.events;

import com.dataplatform.common.security.TenantMdcFilter;
import com.dataplatform.common.web.RequestIdFilter;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.slf4j.MDC;
import org.springframework.kafka.listener.RecordInterceptor;

/**
 * While a listener handles a record, its log lines carry the event's {@code eventId} (ce_id), {@code eventType},
 * {@code tenant} and — when the producer handled an HTTP request — that request's {@code requestId}
 * (ce_requestid), so one flow can be followed from an HTTP call through every service its events reach.
 */
public class EventMdcInterceptor implements RecordInterceptor<Object, Object> {

    public static final String EVENT_ID = "eventId";
    public static final String EVENT_TYPE = "eventType";

    @Override
    public ConsumerRecord<Object, Object> intercept(ConsumerRecord<Object, Object> record,
            Consumer<Object, Object> consumer) {
        put(EVENT_ID, record, CloudEventHeaders.ID);
        put(EVENT_TYPE, record, CloudEventHeaders.TYPE);
        put(TenantMdcFilter.MDC_KEY, record, CloudEventHeaders.TENANT);
        put(RequestIdFilter.MDC_KEY, record, CloudEventHeaders.REQUEST_ID);
        return record;
    }

    @Override
    public void afterRecord(ConsumerRecord<Object, Object> record, Consumer<Object, Object> consumer) {
        clear();
    }

    @Override
    public void clearThreadState(Consumer<?, ?> consumer) {
        clear();
    }

    private static void clear() {
        MDC.remove(EVENT_ID);
        MDC.remove(EVENT_TYPE);
        MDC.remove(TenantMdcFilter.MDC_KEY);
        MDC.remove(RequestIdFilter.MDC_KEY);
    }

    private static void put(String key, ConsumerRecord<?, ?> record, String header) {
        Header h = record.headers().lastHeader(header);
        if (h == null || h.value() == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, new String(h.value(), StandardCharsets.UTF_8));
        }
    }
}
