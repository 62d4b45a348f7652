package com.dataplatform.analytics.embed;

import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.SuitePostgres;
import com.dataplatform.testsupport.TestJwts;
import java.util.ArrayList;
import java.util.List;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Another instance of the service on the same PostgreSQL and Kafka as the test's context (random port). */
public final class SecondInstance implements AutoCloseable {

    private final ConfigurableApplicationContext context;

    private SecondInstance(ConfigurableApplicationContext context) {
        this.context = context;
    }

    public static SecondInstance start(String... extraArgs) {
        SuitePostgres.Connection pg = SuitePostgres.get();
        List<String> args = new ArrayList<>(List.of("--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password(),
                "--spring.kafka.bootstrap-servers=" + SuiteKafka.bootstrapServers(),
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "--server.port=0"));
        args.addAll(List.of(extraArgs));
        return new SecondInstance(new SpringApplicationBuilder(AnalyticsEmbedApplication.class)
                .run(args.toArray(String[]::new)));
    }

    public int port() {
        return Integer.parseInt(context.getEnvironment().getProperty("local.server.port"));
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    @Override
    public void close() {
        context.close();
    }
}
