package com.dataplatform.dataflow.scheduler.deploy;

import com.dataplatform.common.events.ProcessedEvents;
import com.dataplatform.dataflow.scheduler.dispatch.DispatchLoop;
import com.dataplatform.dataflow.scheduler.dispatch.RunQueue;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/** The subscription to deploy.events (cross-service flow: an app's new version re-runs the dataflows reading it). */
@Configuration(proxyBeanMethods = false)
class DeployEventsConfiguration {

    @Bean
    AppReaders appReaders(JdbcClient jdbc) {
        return new AppReaders(jdbc);
    }

    @Bean
    DeployEventListener deployEventListener(RunQueue queue, AppReaders readers, ProcessedEvents processed,
            TransactionTemplate tx, JsonMapper json, ObjectProvider<DispatchLoop> loop) {
        return new DeployEventListener(queue, readers, processed, tx, json,
                () -> loop.ifAvailable(DispatchLoop::wakeUp));
    }
}
