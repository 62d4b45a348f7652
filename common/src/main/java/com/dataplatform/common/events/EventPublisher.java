package com.dataplatform.common.events;

import com.dataplatform.common.web.RequestIdFilter;
import java.nio.charset.StandardCharsets;
import org.slf4j.MDC;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.support.SendResult;

/** Publishes suite events as CloudEvents (binary mode) keyed by their aggregate id. */
public class EventPublisher {

    private final KafkaOperations<String, byte[]> kafka;
    private final CloudEventCodec codec;

    public EventPublisher(KafkaOperations<String, byte[]> kafka, CloudEventCodec codec) {
        this.kafka = kafka;
        this.codec = codec;
    }

    public CompletableFuture<SendResult<String, byte[]>> publish(OutgoingEvent event) {
        return kafka.send(withRequestId(codec.toRecord(event, OffsetDateTime.now(ZoneOffset.UTC))));
    }

    /** Sends every event of the batch (in order); the future completes when Kafka acknowledged all of them. */
    public CompletableFuture<Void> publishAll(EventBatch batch) {
        List<ProducerRecord<String, byte[]>> records = codec.toRecords(batch, OffsetDateTime.now(ZoneOffset.UTC));
        CompletableFuture<?>[] sent = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = kafka.send(withRequestId(records.get(i)));
        }
        return CompletableFuture.allOf(sent);
    }

    /**
     * Published while handling an HTTP request: the record carries that request's id ({@code ce_requestid}), so the
     * consumers' log lines can be joined with the request's (see {@link EventMdcInterceptor}).
     */
    static ProducerRecord<String, byte[]> withRequestId(ProducerRecord<String, byte[]> record) {
        String requestId = MDC.get(RequestIdFilter.MDC_KEY);
        if (requestId != null && record.headers().lastHeader(CloudEventHeaders.REQUEST_ID) == null) {
            record.headers().add(CloudEventHeaders.REQUEST_ID, requestId.getBytes(StandardCharsets.UTF_8));
        }
        return record;
    }
}
