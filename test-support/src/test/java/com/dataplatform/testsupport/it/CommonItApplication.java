package com.dataplatform.testsupport.it;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.OutgoingEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotBlank;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.http.HttpStatus;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.annotation.KafkaListener;
import org.springframework.stereotype.Component;
import org.springframework.transaction.annotation.Transactional;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/** A minimal service built only on common, to test common's behaviour against real servers. */
@SpringBootApplication
public class CommonItApplication {

    record WidgetRequest(@NotBlank String name, @Max(10) int size) {
    }

    record Viewed(String page) {
    }

    @RestController
    static class WidgetController {

        private final JdbcClient jdbc;
        private final EventPublisher publisher;

        WidgetController(JdbcClient jdbc, EventPublisher publisher) {
            this.jdbc = jdbc;
            this.publisher = publisher;
        }

        @PostMapping("/api/widgets")
        @ResponseStatus(HttpStatus.CREATED)
        Map<String, Object> create(@Valid @RequestBody WidgetRequest request, SuitePrincipal principal) {
            return Map.of("name", request.name(), "org", principal.org());
        }

        @GetMapping("/api/widgets/{id}")
        Map<String, Object> get(@PathVariable long id) {
            throw ApiException.notFound("widget", id);
        }

        @GetMapping("/api/whoami")
        SuitePrincipal whoami(SuitePrincipal principal) {
            return principal;
        }

        @PostMapping("/api/notes")
        Map<String, Object> note(@RequestBody String body) {
            // stores the body as jsonb and as text: PostgreSQL refuses NUL characters in both
            return Map.of("stored", jdbc.sql("select cast(:b as jsonb)::text || cast(:t as text)")
                    .param("b", body).param("t", body).query(String.class).single().length());
        }

        /** Publishes an EmbedViewed event while handling the request (so it carries the request id). */
        @PostMapping("/api/views/{page}")
        @ResponseStatus(HttpStatus.ACCEPTED)
        Map<String, Object> view(@PathVariable String page, SuitePrincipal principal) throws Exception {
            OutgoingEvent event = OutgoingEvent.of(TopicCatalog.EMBED_VIEWS, "EmbedViewed", page, principal.org(), page,
                    Map.of("page", page));
            publisher.publish(event).get();
            return Map.of("eventId", event.id());
        }

        @GetMapping("/api/boom")
        Map<String, Object> boom() {
            throw new IllegalStateException("secret internal detail: password=hunter2");
        }
    }

    /** What the listener's logging context (MDC) held while it handled each page's event: key → value. */
    static final Map<String, Map<String, String>> LOGGING_CONTEXT = new java.util.concurrent.ConcurrentHashMap<>();

    /** Applies EmbedViewed events once per ce_id. */
    @Component
    static class ViewListener {
        private final ProcessedEvents processed;
        private final JdbcClient jdbc;
        private final JsonMapper json;

        ViewListener(ProcessedEvents processed, JdbcClient jdbc, JsonMapper json) {
            this.processed = processed;
            this.jdbc = jdbc;
            this.json = json;
        }

        @KafkaListener(topics = "embed.views", groupId = "common-it-views")
        @Transactional
        public void on(ConsumerRecord<String, byte[]> record) {
            ReceivedEvent event = CloudEventCodec.read(record);
            Viewed viewed = event.dataAs(Viewed.class, json);
            Map<String, String> mdc = org.slf4j.MDC.getCopyOfContextMap();
            LOGGING_CONTEXT.put(viewed.page(), mdc == null ? Map.of() : Map.copyOf(mdc));
            if (processed.firstDelivery("view-listener", event)) {
                jdbc.sql("insert into applied_view (event_id, page) values (?, ?)").params(event.id(), viewed.page())
                        .update();
            }
        }
    }
}
