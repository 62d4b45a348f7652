package com.dataplatform.analytics.embed.data;

import com.dataplatform.common.topics.TopicCatalog;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.kafka.autoconfigure.ConcurrentKafkaListenerContainerFactoryConfigurer;
import org.springframework.context.SmartLifecycle;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.ConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaAdmin;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Reads {@code datasets.changes} for this instance's caches: <b>every partition, manually assigned, without a consumer
 * group</b>. Invalidation is a broadcast — each instance must see every event — so a shared group (which splits the
 * partitions) is wrong, and a group per instance either leaves a new group on the broker at every start (the old
 * random id) or, with a stable id, lets two instances that share the id split the events. With no group there is
 * nothing to commit or leave behind: {@link #start()} reads the end offset of each partition and the container starts
 * exactly there (the cache is empty then, so older events are irrelevant; no event published after that read is
 * missed), before the web server starts. The container comes from Boot's configurer, so the suite's
 * error handler (DLT) applies; Spring Kafka never commits for a null group.
 */
class CacheInvalidationConsumer implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CacheInvalidationConsumer.class);
    static final String TOPIC = TopicCatalog.DATASETS_CHANGES.name();

    private final ConcurrentKafkaListenerContainerFactoryConfigurer configurer;
    private final ConsumerFactory<?, ?> consumerFactory;
    private final KafkaAdmin admin;
    private final DatasetChangesListener listener;
    private final long positionTimeoutMs;
    private volatile ConcurrentMessageListenerContainer<Object, Object> container;
    private volatile List<Integer> partitions = List.of();

    CacheInvalidationConsumer(ConcurrentKafkaListenerContainerFactoryConfigurer configurer,
            ConsumerFactory<?, ?> consumerFactory, KafkaAdmin admin, DatasetChangesListener listener,
            long positionTimeoutMs) {
        this.configurer = configurer;
        this.consumerFactory = consumerFactory;
        this.admin = admin;
        this.listener = listener;
        this.positionTimeoutMs = positionTimeoutMs;
    }

    @Override
    public void start() {
        Map<String, Object> props = new HashMap<>(consumerFactory.getConfigurationProperties());
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");

        partitions = partitionIds();
        DefaultKafkaConsumerFactory<Object, Object> noGroup = new DefaultKafkaConsumerFactory<>(props);
        Map<TopicPartition, Long> ends = endOffsets(noGroup);
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, noGroup);
        factory.setConcurrency(1);
        ConcurrentMessageListenerContainer<Object, Object> c = factory.createContainer(partitions.stream()
                .map(p -> {
                    Long end = ends.get(new TopicPartition(TOPIC, p));
                    return end == null ? new TopicPartitionOffset(TOPIC, p) : new TopicPartitionOffset(TOPIC, p, end);
                })
                .toArray(TopicPartitionOffset[]::new));
        c.getContainerProperties().setGroupId(null);
        c.getContainerProperties().setClientId("analytics-embed-cache-invalidation");
        c.getContainerProperties().setMessageListener(listener);
        c.setBeanName("embedCacheInvalidation");
        c.start();
        container = c;
    }

    /**
     * The end of each partition now, read before the container starts: the container starts exactly there, so an
     * event published after this call is never missed however late the consumer thread gets going. If Kafka cannot
     * answer, the consumer falls back to {@code auto.offset.reset=latest} at its first poll.
     */
    private Map<TopicPartition, Long> endOffsets(ConsumerFactory<Object, Object> noGroup) {
        List<TopicPartition> tps = partitions.stream().map(p -> new TopicPartition(TOPIC, p)).toList();
        try (Consumer<Object, Object> probe = noGroup.createConsumer(null, "analytics-embed-cache-probe")) {
            return probe.endOffsets(tps, Duration.ofMillis(positionTimeoutMs));
        } catch (RuntimeException e) {
            log.warn("cannot read the end offsets of {} ({}); starting at the latest offset on first poll", TOPIC,
                    e.toString());
            return Map.of();
        }
    }

    /** The topic's partitions as the broker has them, or the catalog's count if it cannot be asked. */
    private List<Integer> partitionIds() {
        int count = TopicCatalog.DATASETS_CHANGES.partitions();
        try {
            count = admin.describeTopics(TOPIC).get(TOPIC).partitions().size();
        } catch (RuntimeException e) {
            log.warn("cannot describe {} ({}); assuming the catalog's {} partitions", TOPIC, e.toString(), count);
        }
        return IntStream.range(0, count).boxed().toList();
    }

    List<Integer> partitions() {
        return partitions;
    }

    @Override
    public void stop() {
        ConcurrentMessageListenerContainer<Object, Object> c = container;
        if (c != null) {
            c.stop();
        }
        container = null;
    }

    @Override
    public boolean isRunning() {
        return container != null;
    }

    /** Before the web server (which starts at {@code DEFAULT_PHASE - 1024}): positioned before the first request. */
    @Override
    public int getPhase() {
        return SmartLifecycle.DEFAULT_PHASE - 2048;
    }
}
