package com.dataplatform.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.testsupport.FreePorts;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClient;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The stack's PostgreSQL and Kafka keep what was written before a restart, and PostgreSQL runs durable. */
class LocalServersRestartTest {

    @TempDir
    Path dir;

    @Test
    void postgres_keeps_committed_rows_across_a_restart_and_runs_with_fsync() throws Exception {
        int port = freePort();
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), port)) {
            JdbcClient jdbc = JdbcClient.create(pg.dataSource());
            assertThat(jdbc.sql("show fsync").query(String.class).single()).isEqualTo("on");
            assertThat(jdbc.sql("show synchronous_commit").query(String.class).single()).isEqualTo("on");
            jdbc.sql("create table kept (v text)").update();
            jdbc.sql("insert into kept values ('before')").update();
        }
        try (LocalPostgres pg = LocalPostgres.start(dir.resolve("pg"), port)) {
            assertThat(JdbcClient.create(pg.dataSource()).sql("select v from kept").query(String.class).list())
                    .containsExactly("before");
        }
    }

    @Test
    void kafka_keeps_topics_and_records_across_a_restart() throws Exception {
        int port = freePort();
        int controller = freePort();
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), port, controller)) {
            try (AdminClient admin = AdminClient.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("kept.records", 1, (short) 1))).all().get();
            }
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
                    kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>("kept.records", "k", "before-restart")).get();
            }
        }
        try (LocalKafka kafka = LocalKafka.start(dir.resolve("kafka"), port, controller);
                KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of("bootstrap.servers",
                        kafka.bootstrapServers(), "group.id", "restart-check", "auto.offset.reset", "earliest"),
                        new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of("kept.records"));
            String seen = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (seen == null && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen = r.value();
                }
            }
            assertThat(seen).isEqualTo("before-restart");
        }
    }

    static int freePort() throws IOException {
        return FreePorts.next();
    }
}
