package com.dataplatform.analytics.embed.data;

import com.dataplatform.common.topics.TopicCatalog;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
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
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.kafka.support.TopicPartitionOffset;

/**
 * Reads {@code datasets.changes} for this instance's caches: <b>every partition, manually assigned, without a consumer
 * group</b>. Invalidation is a broadcast — each instance must see every event — so a shared group (which splits the
 * partitions) is wrong, and a group per instance either leaves a new group on the broker at every start (the old
 * random id) or, with a stable id, lets two instances that share the id split the events. With no group there is
 * nothing to commit or leave behind: on start the consumer is positioned at the end of each partition (the cache is
 * empty then, so older events are irrelevant), and {@link #start()} waits until it is, before the web server
 * starts, so no event published after startup is missed. The container comes from Boot's configurer, so the suite's
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
        ConcurrentKafkaListenerContainerFactory<Object, Object> factory = new ConcurrentKafkaListenerContainerFactory<>();
        configurer.configure(factory, new DefaultKafkaConsumerFactory<>(props));
        factory.setConcurrency(1);

        partitions = partitionIds();
        ConcurrentMessageListenerContainer<Object, Object> c = factory.createContainer(partitions.stream()
                .map(p -> new TopicPartitionOffset(TOPIC, p)).toArray(TopicPartitionOffset[]::new));
        CountDownLatch positioned = new CountDownLatch(1);
        c.getContainerProperties().setGroupId(null);
        c.getContainerProperties().setClientId("analytics-embed-cache-invalidation");
        c.getContainerProperties().setMessageListener(listener);
        c.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> assigned) {
                consumer.seekToEnd(assigned);
                assigned.forEach(consumer::position); // resolve the end offsets now, not at the first fetch
                positioned.countDown();
            }
        });
        c.setBeanName("embedCacheInvalidation");
        c.start();
        container = c;
        try {
            if (!positioned.await(positionTimeoutMs, TimeUnit.MILLISECONDS)) {
                log.warn("{} not positioned after {} ms (Kafka unreachable?); invalidations until then are missed, "
                        + "cached results expire after embed.cache-ttl", TOPIC, positionTimeoutMs);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
