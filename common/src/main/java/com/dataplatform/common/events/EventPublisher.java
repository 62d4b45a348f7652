package com.dataplatform.common.events;

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
        return kafka.send(codec.toRecord(event, OffsetDateTime.now(ZoneOffset.UTC)));
    }

    /** Sends every event of the batch (in order); the future completes when Kafka acknowledged all of them. */
    public CompletableFuture<Void> publishAll(EventBatch batch) {
        List<ProducerRecord<String, byte[]>> records = codec.toRecords(batch, OffsetDateTime.now(ZoneOffset.UTC));
        CompletableFuture<?>[] sent = new CompletableFuture<?>[records.size()];
        for (int i = 0; i < sent.length; i++) {
            sent[i] = kafka.send(records.get(i));
        }
        return CompletableFuture.allOf(sent);
    }
}
