package com.dataplatform.common.events;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.common.web.RequestIdFilter;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.MDC;

class EventMdcInterceptorTest {

    @AfterEach
    void clear() {
        MDC.clear();
    }

    @Test
    void a_record_being_handled_puts_its_event_into_the_logging_context_and_takes_it_out_afterwards() {
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("t", 0, 0, "k", "v");
        record.headers().add(CloudEventHeaders.ID, "ev-1".getBytes(UTF_8));
        record.headers().add(CloudEventHeaders.TYPE, "DatasetUpdated".getBytes(UTF_8));
        record.headers().add(CloudEventHeaders.TENANT, "acme".getBytes(UTF_8));
        record.headers().add(CloudEventHeaders.REQUEST_ID, "req-9".getBytes(UTF_8));
        EventMdcInterceptor interceptor = new EventMdcInterceptor();
        MDC.put("requestId", "stale-from-an-earlier-record");

        assertThat(interceptor.intercept(record, null)).isSameAs(record);
        assertThat(MDC.getCopyOfContextMap()).containsAllEntriesOf(Map.of("eventId", "ev-1",
                "eventType", "DatasetUpdated", "tenant", "acme", "requestId", "req-9"));

        interceptor.afterRecord(record, null);
        assertThat(MDC.getCopyOfContextMap()).isNullOrEmpty();
    }

    @Test
    void a_record_without_a_request_id_leaves_none_behind() {
        ConsumerRecord<Object, Object> record = new ConsumerRecord<>("t", 0, 0, "k", "v");
        record.headers().add(CloudEventHeaders.ID, "ev-2".getBytes(UTF_8));
        MDC.put("requestId", "stale");
        new EventMdcInterceptor().intercept(record, null);
        assertThat(MDC.get("requestId")).isNull();
        assertThat(MDC.get("eventId")).isEqualTo("ev-2");
    }

    @Test
    void publishing_during_a_request_stamps_the_request_id_once() {
        ProducerRecord<String, byte[]> record = new ProducerRecord<>("t", "k", new byte[0]);
        assertThat(EventPublisher.withRequestId(record).headers().lastHeader(CloudEventHeaders.REQUEST_ID)).isNull();
        MDC.put(RequestIdFilter.MDC_KEY, "req-1");
        EventPublisher.withRequestId(record);
        EventPublisher.withRequestId(record);
        assertThat(record.headers().headers(CloudEventHeaders.REQUEST_ID)).hasSize(1);
        assertThat(new String(record.headers().lastHeader(CloudEventHeaders.REQUEST_ID).value(), UTF_8)).isEqualTo("req-1");
    }
}
