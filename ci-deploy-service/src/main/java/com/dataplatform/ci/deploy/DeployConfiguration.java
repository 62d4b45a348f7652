package com.dataplatform.ci.deploy;

import com.dataplatform.ci.deploy.app.AppStore;
import com.dataplatform.ci.deploy.app.VersionIntake;
import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.isolation.VersionRoles;
import com.dataplatform.ci.deploy.lifecycle.Cutover;
import com.dataplatform.ci.deploy.lifecycle.Inputs;
import com.dataplatform.ci.deploy.lifecycle.IntegrationTests;
import com.dataplatform.ci.deploy.lifecycle.LiveProcesses;
import com.dataplatform.ci.deploy.lifecycle.Pipeline;
import com.dataplatform.ci.deploy.lifecycle.StageMetrics;
import io.micrometer.core.instrument.MeterRegistry;
import com.dataplatform.ci.deploy.lifecycle.Recovery;
import com.dataplatform.ci.deploy.lifecycle.Retention;
import com.dataplatform.ci.deploy.lifecycle.Rollback;
import com.dataplatform.ci.deploy.lifecycle.RunEnvironment;
import com.dataplatform.ci.deploy.lifecycle.VersionStore;
import com.dataplatform.ci.deploy.outbox.Outbox;
import com.dataplatform.ci.deploy.outbox.ScheduledOutboxRelay;
import com.dataplatform.ci.deploy.runtime.AppRuntime;
import com.dataplatform.ci.deploy.runtime.CgroupMemory;
import com.dataplatform.ci.deploy.runtime.DockerRuntime;
import com.dataplatform.ci.deploy.runtime.ProcessRuntime;
import com.dataplatform.common.events.EventPublisher;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

@Configuration(proxyBeanMethods = false)
@EnableScheduling
@EnableConfigurationProperties(DeployProperties.class)
class DeployConfiguration {

    @Bean
    AppRuntime appRuntime(DeployProperties props) {
        return switch (props.runtime()) {
            case "process" -> new ProcessRuntime(props.javaOptions(), CgroupMemory.detect());
            case "docker" -> new DockerRuntime(props.dockerImage());
            default -> throw new IllegalArgumentException("ci-deploy.runtime must be process or docker, not "
                    + props.runtime());
        };
    }

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
    VersionStore versionStore(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox) {
        return new VersionStore(jdbc, tx, outbox, UUID.randomUUID().toString());
    }

    @Bean
    AppStore appStore(JdbcClient jdbc) {
        return new AppStore(jdbc);
    }

    @Bean
    VersionRoles versionRoles(JdbcClient jdbc, TransactionTemplate tx) {
        return new VersionRoles(jdbc, tx);
    }

    @Bean
    Assembler assembler(AppRuntime runtime, DeployProperties props) {
        return new Assembler(runtime, props.buildTimeout());
    }

    @Bean
    IntegrationTests integrationTests(JdbcClient jdbc, TransactionTemplate tx, DeployProperties props) {
        return new IntegrationTests(jdbc, tx, props.testTimeout());
    }

    @Bean
    Cutover cutover(JdbcClient jdbc, TransactionTemplate tx, Outbox outbox, JsonMapper json, DeployProperties props) {
        return new Cutover(jdbc, tx, outbox, json, props.cutoverLockTimeout(), props.cutoverBudget());
    }

    @Bean(destroyMethod = "shutdown")
    LiveProcesses liveProcesses(AppRuntime runtime, VersionStore store) {
        return new LiveProcesses(runtime, store);
    }

    @Bean
    RunEnvironment runEnvironment(@Value("${spring.datasource.url}") String jdbcUrl,
            @Value("${spring.kafka.bootstrap-servers}") String kafka) {
        return new RunEnvironment(jdbcUrl, kafka);
    }

    @Bean
    Inputs inputs(JdbcClient jdbc) {
        return new Inputs(jdbc);
    }

    @Bean
    Retention retention(JdbcClient jdbc, TransactionTemplate tx, VersionRoles roles, DeployProperties props) {
        return new Retention(jdbc, tx, roles, props);
    }

    @Bean(destroyMethod = "shutdown")
    Pipeline pipeline(VersionStore store, Assembler assembler, VersionRoles roles, AppRuntime runtime,
            IntegrationTests tests, Cutover cutover, LiveProcesses live, RunEnvironment env, Inputs inputs,
            Retention retention, DeployProperties props, JdbcClient jdbc, JsonMapper json, MeterRegistry meters) {
        return new Pipeline(store, assembler, roles, runtime, tests, cutover, live, env, inputs, retention, props,
                jdbc, json, new StageMetrics(meters));
    }

    @Bean
    Rollback rollback(JdbcClient jdbc, VersionStore store, Cutover cutover, LiveProcesses live, VersionRoles roles,
            RunEnvironment env, DeployProperties props) {
        return new Rollback(jdbc, store, cutover, live, roles, env, props);
    }

    @Bean
    Recovery recovery(VersionStore store, Pipeline pipeline, AppRuntime runtime, VersionRoles roles,
            LiveProcesses live, RunEnvironment env, DeployProperties props) {
        return new Recovery(store, pipeline, runtime, roles, live, env, props);
    }

    @Bean
    VersionIntake versionIntake(AppStore apps, VersionStore versions, Pipeline pipeline, Inputs inputs,
            DeployProperties props, AppRuntime runtime) {
        return new VersionIntake(apps, versions, pipeline, inputs, props, runtime.kind());
    }
}
