package com.dataplatform.localstack;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.event.EventListener;

/**
 * Wires the stack: PostgreSQL and Kafka start with the context, the services once the issuer is serving; on
 * shutdown beans close in reverse order (services, Kafka, PostgreSQL).
 */
@Configuration(proxyBeanMethods = false)
class StackConfiguration {

    private static final Logger log = LoggerFactory.getLogger(StackConfiguration.class);

    @Bean(destroyMethod = "close")
    LocalPostgres localPostgres(LocalStackProperties props) throws IOException {
        return LocalPostgres.start(props.dataPath().resolve("postgres"), props.postgresPort());
    }

    @Bean(destroyMethod = "close")
    LocalKafka localKafka(LocalStackProperties props) throws IOException {
        return LocalKafka.start(props.dataPath().resolve("kafka"), props.kafkaPort(), props.kafkaControllerPort());
    }

    @Bean
    DevTokenIssuer devTokenIssuer(LocalStackProperties props) throws IOException {
        return DevTokenIssuer.loadOrCreate(props.dataPath().resolve("dev-issuer-key.json"), props.issuer());
    }

    @Bean(destroyMethod = "close")
    LocalRadicale localRadicale(LocalStackProperties props) throws IOException {
        return LocalRadicale.startIfInstalled(props.dataPath().resolve("radicale"), props.radicalePort());
    }

    @Bean(destroyMethod = "close")
    ServiceFleet serviceFleet(LocalStackProperties props, LocalPostgres postgres, LocalKafka kafka)
            throws IOException {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("SPRING_DATASOURCE_URL", postgres.jdbcUrl());
        env.put("SPRING_DATASOURCE_USERNAME", postgres.username());
        env.put("SPRING_DATASOURCE_PASSWORD", postgres.password());
        env.put("SPRING_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers());
        env.put("SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI", props.issuer() + "/.well-known/jwks.json");
        // keys that seal secrets at rest: generated once per data dir, kept across restarts
        env.put("STREAM_DISTRIBUTOR_SECRETS_KEY", LocalKeys.loadOrCreate(props.dataPath().resolve("keys/stream-distributor")));
        env.put("CALENDAR_CREDENTIALS_KEY", LocalKeys.loadOrCreate(props.dataPath().resolve("keys/calendar-sync")));
        env.put("ANALYTICS_EMBED_SECRETS_KEY", LocalKeys.loadOrCreate(props.dataPath().resolve("keys/analytics-embed")));
        // webhooks and CalDAV servers on this machine (the dev inbox, the dev radicale) pass the SSRF guard
        env.put("SUITE_OUTBOUND_ALLOWLIST", "127.0.0.0/8,::1/128");
        return new ServiceFleet(props, env);
    }

    @EventListener(ApplicationReadyEvent.class)
    void launchServices(ApplicationReadyEvent event) {
        LocalStackProperties props = event.getApplicationContext().getBean(LocalStackProperties.class);
        if (!props.launchServices()) {
            log.info("local-stack: PostgreSQL {} and Kafka {} are up; services not launched (local-stack.launch-services=false)",
                    event.getApplicationContext().getBean(LocalPostgres.class).jdbcUrl(),
                    event.getApplicationContext().getBean(LocalKafka.class).bootstrapServers());
            return;
        }
        ServiceFleet fleet = event.getApplicationContext().getBean(ServiceFleet.class);
        // A failure here fails SpringApplication.run: the context closes (stopping whatever started) and the
        // process exits non-zero with the reason.
        fleet.start();
        StringBuilder banner = new StringBuilder("\n\n  Data platform suite is up\n\n");
        banner.append(String.format("  %-20s %s%n", "dev token issuer", props.issuer() + "/dev/tokens"));
        for (LocalStackProperties.Service s : props.services()) {
            banner.append(String.format("  %-20s http://localhost:%d   (Swagger UI: /swagger-ui.html)%n", s.name(), s.port()));
        }
        banner.append(String.format("  %-20s jdbc:postgresql://localhost:%d/postgres (postgres/postgres)%n", "PostgreSQL",
                props.postgresPort()));
        banner.append(String.format("  %-20s localhost:%d%n", "Kafka", props.kafkaPort()));
        LocalRadicale radicale = event.getApplicationContext().getBean(LocalRadicale.class);
        if (radicale.running()) {
            banner.append(String.format("  %-20s http://127.0.0.1:%d/<user>/<calendar>/ (any password)%n",
                    "CalDAV (radicale)", radicale.port()));
        }
        banner.append(String.format("  %-20s %s/dev/webhooks/<inbox>%n", "webhook inbox", props.issuer()));
        banner.append("\n  Ctrl-C stops everything; data stays in ").append(props.dataPath().toAbsolutePath()).append("\n");
        log.info(banner.toString());
    }
}
