package com.dataplatform.analytics.embed.views;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/** Publishes {@code EmbedViewed} without holding up the response (a Kafka outage never blocks a page). */
@Component
public class ViewEvents {

    private static final Logger log = LoggerFactory.getLogger(ViewEvents.class);

    private final EventPublisher publisher;

    ViewEvents(EventPublisher publisher) {
        this.publisher = publisher;
    }

    public void viewed(EmbedViewed view) {
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
}
