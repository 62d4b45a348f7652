package com.dataplatform.analytics.embed.views;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/**
 * Publishes {@code EmbedViewed} off the request thread: a render only offers the event to a bounded queue (never
 * blocks, never waits for Kafka metadata or a full producer buffer, never contends on the producer's partition
 * lock); one {@code embed-views} thread encodes and sends. A full queue (Kafka down for long) drops the view and
 * counts it ({@code embed.views.dropped}) — a page is never held up by analytics of itself. On shutdown the queue is
 * drained for up to 5 s.
 */
@Component
public class ViewEvents implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ViewEvents.class);
    private static final int CAPACITY = 10_000;

    private final EventPublisher publisher;
    private final BlockingQueue<EmbedViewed> queue = new ArrayBlockingQueue<>(CAPACITY);
    private final Counter dropped;
    private final Thread sender;
    private volatile boolean running = true;

    ViewEvents(EventPublisher publisher, MeterRegistry meters) {
        this.publisher = publisher;
        this.dropped = meters.counter("embed.views.dropped");
        this.sender = new Thread(this::sendLoop, "embed-views");
        sender.setDaemon(true);
        sender.start();
    }

    /** Queues the view for publishing; returns at once. */
    public void viewed(EmbedViewed view) {
        if (!queue.offer(view)) {
            dropped.increment();
        }
    }

    private void sendLoop() {
        List<EmbedViewed> batch = new ArrayList<>(256);
        while (running || !queue.isEmpty()) {
            try {
                EmbedViewed first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, 255);
                batch.forEach(this::send);
            } catch (InterruptedException e) {
                if (!running) {
                    break;
                }
            } catch (RuntimeException e) {
                log.warn("EmbedViewed batch not published: {}", e.toString());
            } finally {
                batch.clear();
            }
        }
    }

    private void send(EmbedViewed view) {
        try {
            publisher.publish(OutgoingEvent.of(TopicCatalog.EMBED_VIEWS, "EmbedViewed", view.page().toString(),
                    view.org(), view.area().toString(), view)).whenComplete((r, e) -> {
                        if (e != null) {
                            log.warn("EmbedViewed for area {} not published: {}", view.area(), e.getMessage());
                        }
                    });
        } catch (RuntimeException e) {
            log.warn("EmbedViewed for area {} not published: {}", view.area(), e.getMessage());
        }
    }

    @Override
    public void destroy() throws InterruptedException {
        running = false;
        sender.join(5_000);
        if (sender.isAlive()) {
            sender.interrupt();
        }
    }
}
