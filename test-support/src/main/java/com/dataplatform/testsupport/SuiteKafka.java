package com.dataplatform.testsupport;

import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * One real Kafka broker (KRaft, Kafka's own server classes) per test JVM, started on first use and stopped at JVM
 * exit, or the cluster named by {@code SUITE_KAFKA_BOOTSTRAP}.
 */
public final class SuiteKafka {

    public static final String BOOTSTRAP_ENV = "SUITE_KAFKA_BOOTSTRAP";

    private static volatile String bootstrap;
    private static volatile EmbeddedKafkaKraftBroker broker;

    private SuiteKafka() {
    }

    public static String bootstrapServers() {
        String b = bootstrap;
        if (b == null) {
            synchronized (SuiteKafka.class) {
                if (bootstrap == null) {
                    bootstrap = start();
                }
                b = bootstrap;
            }
        }
        return b;
    }

    /** The in-process broker, or null when an external cluster is used. */
    public static EmbeddedKafkaKraftBroker embeddedBroker() {
        bootstrapServers();
        return broker;
    }

    private static String start() {
        String external = System.getenv(BOOTSTRAP_ENV);
        if (external != null && !external.isBlank()) {
            return external;
        }
        EmbeddedKafkaKraftBroker b = new EmbeddedKafkaKraftBroker(1, 3);
        b.brokerProperty("auto.create.topics.enable", "false");
        b.brokerProperty("group.initial.rebalance.delay.ms", "0");
        b.afterPropertiesSet();
        Runtime.getRuntime().addShutdownHook(new Thread(b::destroy, "suite-kafka-stop"));
        broker = b;
        return b.getBrokersAsString();
    }
}
