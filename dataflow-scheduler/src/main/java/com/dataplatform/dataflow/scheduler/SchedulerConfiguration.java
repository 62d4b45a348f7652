package com.dataplatform.dataflow.scheduler;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.dataflow.scheduler.dataset.DatasetStore;
import com.dataplatform.dataflow.scheduler.dataset.LakeWriter;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import com.dataplatform.dataflow.scheduler.outbox.OutboxRelay;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the plain classes (they are also used, without Spring, by the benchmark). */
@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(DataflowProperties.class)
class SchedulerConfiguration {

    @Bean
    Outbox outbox(JdbcClient jdbc, JsonMapper json) {
        return new Outbox(jdbc, json);
    }

    @Bean
    OutboxRelay outboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher, JsonMapper json) {
        return new OutboxRelay(jdbc, tx, publisher, json);
    }

    @Bean
    LakeWriter lakeWriter(JdbcClient jdbc, Outbox outbox) {
        return new LakeWriter(jdbc, outbox);
    }

    @Bean
    DatasetStore datasetStore(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, LakeWriter writer,
            JsonMapper json) {
        return new DatasetStore(jdbc, jdbcTemplate, tx, writer, json);
    }
}
