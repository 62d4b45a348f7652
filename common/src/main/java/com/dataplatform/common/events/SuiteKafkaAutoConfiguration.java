package com.dataplatform.common.events;

import com.dataplatform.common.config.SuiteProperties;
import com.dataplatform.common.observability.KafkaHealthIndicator;
import com.dataplatform.common.topics.SuiteService;
import com.dataplatform.common.topics.Topic;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.core.KafkaOperations;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.listener.RecordInterceptor;
import org.springframework.util.backoff.FixedBackOff;
import tools.jackson.databind.json.JsonMapper;

/**
 * CloudEvents publishing, the topics this service owns (plus dead-letter topics of those it consumes), poison
 * records to {@code <topic>.dlt}, idempotent consumption support and a Kafka health indicator.
 */
@AutoConfiguration(afterName = {"org.springframework.boot.kafka.autoconfigure.KafkaAutoConfiguration",
        "org.springframework.boot.jdbc.autoconfigure.JdbcClientAutoConfiguration",
        "org.springframework.boot.jackson.autoconfigure.JacksonAutoConfiguration"})
@ConditionalOnBean(KafkaAdmin.class)
@EnableConfigurationProperties(SuiteProperties.class)
public class SuiteKafkaAutoConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CloudEventCodec cloudEventCodec(JsonMapper json, Environment env) {
        return new CloudEventCodec(json, "urn:dataplatform:" + env.getProperty("spring.application.name", "unknown"));
    }

    @Bean
    @ConditionalOnMissingBean
    EventPublisher eventPublisher(KafkaTemplate<String, byte[]> kafka, CloudEventCodec codec) {
        return new EventPublisher(kafka, codec);
    }

    /** Listener log lines carry the record's event id, type, tenant and originating request id. */
    @Bean
    @ConditionalOnMissingBean(RecordInterceptor.class)
    EventMdcInterceptor eventMdcInterceptor() {
        return new EventMdcInterceptor();
    }

    @Bean
    KafkaAdmin.NewTopics suiteTopics(Environment env, SuiteProperties props) {
        List<NewTopic> topics = new ArrayList<>();
        SuiteService.byId(env.getProperty("spring.application.name", "")).filter(s -> props.kafka().createTopics())
                .ifPresent(service -> {
                    for (Topic t : TopicCatalog.ownedBy(service)) {
                        topics.add(topic(t.name(), t));
                    }
                    for (Topic t : TopicCatalog.consumedBy(service)) {
                        topics.add(topic(t.deadLetterTopic(), t));
                    }
                });
        return new KafkaAdmin.NewTopics(topics.toArray(NewTopic[]::new));
    }

    private static NewTopic topic(String name, Topic spec) {
        return TopicBuilder.name(name).partitions(spec.partitions())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(spec.retention().toMillis())).build();
    }

    /**
     * Retries a failing record a few times, then publishes it to {@code <topic>.dlt} (same partition if it exists,
     * else any); invalid CloudEvents go there at once.
     */
    @Bean
    @ConditionalOnMissingBean(CommonErrorHandler.class)
    DefaultErrorHandler suiteKafkaErrorHandler(KafkaOperations<String, byte[]> kafka, SuiteProperties props) {
        DeadLetterPublishingRecoverer recoverer = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(record.topic() + ".dlt", -1));
        DefaultErrorHandler handler = new DefaultErrorHandler(recoverer,
                new FixedBackOff(props.kafka().retryBackoff().toMillis(), Math.max(0, props.kafka().retryAttempts() - 1)));
        handler.addNotRetryableExceptions(InvalidEventException.class);
        return handler;
    }

    @Bean
    @ConditionalOnBean(JdbcClient.class)
    @ConditionalOnMissingBean
    ProcessedEvents processedEvents(JdbcClient jdbc) {
        return new ProcessedEvents(jdbc);
    }

    @Bean(name = "kafkaHealthIndicator")
    @ConditionalOnMissingBean(name = "kafkaHealthIndicator")
    KafkaHealthIndicator kafkaHealthIndicator(KafkaAdmin admin, SuiteProperties props) {
        Map<String, Object> config = admin.getConfigurationProperties();
        return new KafkaHealthIndicator(config, props.kafka().healthTimeout());
    }
}
