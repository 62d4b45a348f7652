package com.dataplatform.stream.distributor.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;

/**
 * Copies a batch to the org's topic through the node's idempotent producer (acks=all, so retries inside the producer
 * never duplicate or reorder), keeping key, body and ce_* headers and adding {@code stream-id}/{@code stream-epoch}.
 */
public class KafkaDestinationClient implements DestinationClient {

    public static final String STREAM_HEADER = "stream-id";
    public static final String EPOCH_HEADER = "stream-epoch";

    private final Producer<String, byte[]> producer;
    private final String topic;

    public KafkaDestinationClient(Producer<String, byte[]> producer, String topic) {
        this.producer = producer;
        this.topic = topic;
    }

    @Override
    public void deliver(UUID streamId, long epoch, List<ConsumerRecord<String, byte[]>> batch, Duration timeout)
            throws DeliveryException, InterruptedException {
        byte[] id = streamId.toString().getBytes(UTF_8);
        byte[] ep = Long.toString(epoch).getBytes(UTF_8);
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch.size());
        try {
            for (ConsumerRecord<String, byte[]> r : batch) {
                ProducerRecord<String, byte[]> out = new ProducerRecord<>(topic, r.key(), r.value());
                for (Header h : r.headers()) {
                    out.headers().add(h);
                }
                out.headers().add(STREAM_HEADER, id).add(EPOCH_HEADER, ep);
                sent.add(producer.send(out));
            }
            long deadline = System.nanoTime() + timeout.toNanos();
            for (Future<RecordMetadata> f : sent) {
                f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            throw new DeliveryException("Kafka destination " + topic + " failed: " + e, e);
        }
    }
}
