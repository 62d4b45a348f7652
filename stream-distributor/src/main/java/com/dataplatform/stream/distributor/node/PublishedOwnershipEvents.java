package com.dataplatform.stream.distributor.node;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.stream.distributor.stream.Stream;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes {@code StreamAssigned}/{@code StreamReleased} from one background thread, so a slow or lost broker never
 * holds up claiming, renewing or releasing. The events are informational: the table is the source of truth.
 */
public class PublishedOwnershipEvents implements OwnershipEvents, AutoCloseable {

    /** Body of both event types. */
    public record Ownership(String streamId, String name, String node, long epoch, String previousOwner,
            String reason) {
    }

    private static final Logger log = LoggerFactory.getLogger(PublishedOwnershipEvents.class);

    private final EventPublisher publisher;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "stream-ownership-events");
        t.setDaemon(true);
        return t;
    });

    public PublishedOwnershipEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public void assigned(Stream s, String node, long epoch, String previousOwner) {
        publish("StreamAssigned", s, new Ownership(s.id().toString(), s.name(), node, epoch, previousOwner, null));
    }

    @Override
    public void released(Stream s, String node, long epoch, String reason) {
        publish("StreamReleased", s, new Ownership(s.id().toString(), s.name(), node, epoch, null, reason));
    }

    private void publish(String type, Stream s, Ownership data) {
        thread.execute(() -> {
            try {
                publisher.publish(OutgoingEvent.of(TopicCatalog.STREAMS_OWNERSHIP, type, s.id().toString(), s.org(),
                        s.id().toString(), data)).get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                log.warn("could not publish {} for stream {}: {}", type, s.id(), e.toString());
            }
        });
    }

    @Override
    public void close() throws InterruptedException {
        thread.shutdown();
        thread.awaitTermination(3, TimeUnit.SECONDS);
    }
}
