package com.dataplatform.common.config;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * Suite defaults, added with the lowest precedence so any service's application.yml, env var or command line
 * overrides them: problem details, Kafka serialization of CloudEvents, health groups, metrics tags, log pattern.
 */
public class SuiteDefaults implements EnvironmentPostProcessor {

    public static final String SOURCE_NAME = "suiteDefaults";

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("spring.mvc.problemdetails.enabled", "true");
        d.put("spring.jpa.open-in-view", "false");
        d.put("spring.kafka.producer.key-serializer", "org.apache.kafka.common.serialization.StringSerializer");
        d.put("spring.kafka.producer.value-serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        d.put("spring.kafka.producer.acks", "all");
        d.put("spring.kafka.producer.properties.enable.idempotence", "true");
        d.put("spring.kafka.consumer.key-deserializer", "org.apache.kafka.common.serialization.StringDeserializer");
        d.put("spring.kafka.consumer.value-deserializer",
                "org.apache.kafka.common.serialization.ByteArrayDeserializer");
        d.put("spring.kafka.consumer.auto-offset-reset", "earliest");
        d.put("spring.kafka.consumer.enable-auto-commit", "false");
        d.put("spring.kafka.admin.fail-fast", "false");
        d.put("management.endpoints.web.exposure.include", "health,info,prometheus,metrics");
        d.put("management.endpoint.health.probes.enabled", "true");
        d.put("management.endpoint.health.group.liveness.include", "livenessState");
        d.put("management.endpoint.health.group.readiness.include", "readinessState,db,kafka");
        d.put("management.endpoint.health.show-components", "always");
        d.put("management.endpoint.health.show-details", "when-authorized");
        d.put("management.endpoint.health.roles", "ops");
        d.put("management.metrics.tags.service", "${spring.application.name:unknown}");
        d.put("management.info.java.enabled", "true");
        d.put("management.info.os.enabled", "true");
        d.put("logging.pattern.level", "%5p [%X{requestId:-}] [%X{tenant:-}]");
        // JSON lines (Elastic Common Schema) on the console, MDC included: requestId, tenant, eventId, eventType.
        // suite.logging.format=text (tests, a developer's terminal) keeps the plain pattern above.
        if (!"text".equalsIgnoreCase(environment.getProperty("suite.logging.format", "json"))) {
            d.put("logging.structured.format.console", "ecs");
        }
        d.put("springdoc.swagger-ui.path", "/swagger-ui.html");
        d.put("server.shutdown", "graceful");
        environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, d));
    }
}
