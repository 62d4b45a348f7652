package com.dataplatform.common.events;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
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
        return kafka.send(codec.toRecord(event, OffsetDateTime.now(ZoneOffset.UTC)));
    }
}
