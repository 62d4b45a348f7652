package com.dataplatform.localstack;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

/**
 * Starts the whole suite on one machine: PostgreSQL on 55432, Kafka on 59092 (data under .local/), the dev token
 * issuer on 8080 and the six services on 8081–8086. Ctrl-C (SIGTERM) stops the services, then Kafka, then
 * PostgreSQL.
 */
@SpringBootApplication
@EnableConfigurationProperties(LocalStackProperties.class)
public class LocalStackApplication {

    public static void main(String[] args) {
        SpringApplication.run(LocalStackApplication.class, args);
    }
}
