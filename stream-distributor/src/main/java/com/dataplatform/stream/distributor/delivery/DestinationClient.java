package com.dataplatform.stream.distributor.delivery;

import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** Sends one batch of a stream's records, in order, stamped with the stream id, the epoch and each ce_id. */
public interface DestinationClient {

    void deliver(UUID streamId, long epoch, List<ConsumerRecord<String, byte[]>> batch, Duration timeout)
            throws DeliveryException, InterruptedException;

    /**
     * Checks that the destination is reachable without sending records (an idle stream learns of a dead destination
     * before its next record does). Destinations reached through a dependency the node already probes do nothing.
     */
    default void probe(Duration timeout) throws DeliveryException {
    }
}
