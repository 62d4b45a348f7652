package com.dataplatform.analytics.embed.data;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.analytics.embed.lake.LakeReader;
import com.dataplatform.common.topics.TopicCatalog;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.kafka.config.TopicBuilder;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
class DataConfiguration {

    @Bean
    ResultCache resultCache(EmbedProperties props) {
        return new ResultCache(props.cacheTtl(), props.cacheMaxEntries());
    }

    /** Fetches area data in parallel; a full queue fails that area only (its placeholder shows). */
    @Bean(destroyMethod = "shutdownNow")
    ThreadPoolExecutor areaExecutor(EmbedProperties props) {
        AtomicInteger n = new AtomicInteger();
        return new ThreadPoolExecutor(props.renderThreads(), props.renderThreads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(1000), r -> {
                    Thread t = new Thread(r, "embed-area-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    @Bean
    AreaData areaData(LakeReader lake, ResultCache cache, ThreadPoolExecutor areaExecutor) {
        return new AreaData(lake, cache, areaExecutor);
    }

    @Bean
    DatasetChangesListener datasetChangesListener(ResultCache cache, JsonMapper json) {
        return new DatasetChangesListener(cache, json);
    }

    @Bean
    CacheInvalidationConsumer cacheInvalidationConsumer(ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<?, ?> consumerFactory, KafkaAdmin admin, DatasetChangesListener listener) {
        return new CacheInvalidationConsumer(configurer, consumerFactory, admin, listener, 10_000);
    }

    /** The consumed topic, created with the catalog's spec if its owner has not started yet (no-op otherwise). */
    @Bean
    @ConditionalOnProperty(name = "suite.kafka.create-topics", havingValue = "true", matchIfMissing = true)
    NewTopic datasetsChangesTopic() {
        var t = TopicCatalog.DATASETS_CHANGES;
        return TopicBuilder.name(t.name()).partitions(t.partitions())
                .config(TopicConfig.RETENTION_MS_CONFIG, Long.toString(t.retention().toMillis())).build();
    }
}
