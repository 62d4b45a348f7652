package com.dataplatform.stream.distributor.delivery;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Sends one batch of a stream's records, in order, stamped with the stream id, the epoch and each ce_id. */
public interface DestinationClient {

    void deliver(UUID streamId, long epoch, List<ConsumerRecord<String, byte[]>> batch, Duration timeout)
            throws DeliveryException, InterruptedException;
}
