package com.dataplatform.testsupport.it;

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

        WidgetController(JdbcClient jdbc) {
            this.jdbc = jdbc;
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

        @GetMapping("/api/boom")
        Map<String, Object> boom() {
            throw new IllegalStateException("secret internal detail: password=hunter2");
        }
    }

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
            if (processed.firstDelivery("view-listener", event)) {
                jdbc.sql("insert into applied_view (event_id, page) values (?, ?)").params(event.id(), viewed.page())
                        .update();
            }
        }
    }
}
