package com.dataplatform.dataflow.scheduler;

import com.dataplatform.common.events.EventPublisher;
import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.dataflow.scheduler.dataset.DatasetStore;
import com.dataplatform.dataflow.scheduler.dataset.LakeWriter;
import com.dataplatform.dataflow.scheduler.definition.DataflowStore;
import com.dataplatform.dataflow.scheduler.dispatch.DispatchLoop;
import com.dataplatform.dataflow.scheduler.dispatch.Dispatcher;
import com.dataplatform.dataflow.scheduler.dispatch.LeaseKeeper;
import com.dataplatform.dataflow.scheduler.dispatch.RunCommandListener;
import com.dataplatform.dataflow.scheduler.dispatch.RunFinisher;
import com.dataplatform.dataflow.scheduler.dispatch.RunQueue;
import com.dataplatform.dataflow.scheduler.dispatch.RunReader;
import com.dataplatform.dataflow.scheduler.execution.RunExecutor;
import com.dataplatform.dataflow.scheduler.observability.DispatchMetrics;
import com.dataplatform.dataflow.scheduler.observability.DispatcherHealthIndicator;
import com.dataplatform.dataflow.scheduler.outbox.Outbox;
import com.dataplatform.dataflow.scheduler.outbox.ScheduledOutboxRelay;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.UUID;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
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
    ScheduledOutboxRelay outboxRelay(JdbcClient jdbc, TransactionTemplate tx, EventPublisher publisher,
            JsonMapper json) {
        return new ScheduledOutboxRelay(jdbc, tx, publisher, json);
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

    @Bean
    DataflowStore dataflowStore(JdbcClient jdbc, TransactionTemplate tx, DatasetStore datasets, JsonMapper json) {
        return new DataflowStore(jdbc, tx, datasets, json);
    }

    @Bean
    RunFinisher runFinisher(JdbcClient jdbc) {
        return new RunFinisher(jdbc);
    }

    @Bean
    RunQueue runQueue(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, RunFinisher finisher) {
        return new RunQueue(jdbc, tx, outbox, finisher);
    }

    @Bean
    RunReader runReader(JdbcClient jdbc, DataflowProperties props) {
        return new RunReader(jdbc, props.defaultTypeLimit());
    }

    @Bean
    Dispatcher dispatcher(JdbcClient jdbc, DataflowProperties props) {
        return new Dispatcher(jdbc, "dispatcher-" + UUID.randomUUID(), props.lease(), props.batchSize(),
                props.globalLimit(), props.defaultTypeLimit());
    }

    @Bean
    LeaseKeeper leaseKeeper(JdbcClient jdbc, TransactionTemplate tx, RunFinisher finisher, DataflowProperties props) {
        return new LeaseKeeper(jdbc, tx, finisher, props.lease());
    }

    @Bean
    RunExecutor runExecutor(JdbcClient jdbc, JdbcTemplate jdbcTemplate, TransactionTemplate tx, LakeWriter writer,
            RunFinisher finisher, DataflowStore dataflows, JsonMapper json) {
        return new RunExecutor(jdbc, jdbcTemplate, tx, writer, finisher,
                run -> dataflows.version(run.org(), run.dataflowId(), run.dataflowVersion()).orElseThrow(), json);
    }

    @Bean
    DispatchMetrics dispatchMetrics(JdbcClient jdbc, MeterRegistry registry) {
        return new DispatchMetrics(jdbc, registry);
    }

    @Bean
    @ConditionalOnProperty(name = "dataflow.dispatcher-enabled", havingValue = "true", matchIfMissing = true)
    DispatchLoop dispatchLoop(Dispatcher dispatcher, RunExecutor executor, LeaseKeeper leases, DispatchMetrics metrics,
            DataflowProperties props) {
        return new DispatchLoop(dispatcher, executor, leases, metrics, props.pollInterval(), props.heartbeat(),
                props.workers());
    }

    @Bean
    @ConditionalOnProperty(name = "dataflow.dispatcher-enabled", havingValue = "true", matchIfMissing = true)
    DispatcherHealthIndicator dispatcherHealthIndicator(DispatchLoop loop) {
        return new DispatcherHealthIndicator(loop);
    }

    @Bean
    RunCommandListener runCommandListener(RunQueue queue, ProcessedEvents processed, TransactionTemplate tx,
            JsonMapper json, ObjectProvider<DispatchLoop> loop) {
        return new RunCommandListener(queue, processed, tx, json, () -> loop.ifAvailable(DispatchLoop::wakeUp));
    }
}
