package com.dataplatform.localstack;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.bind.ConstructorBinding;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * @param dataDir             where PostgreSQL, Kafka, the issuer key and service logs live (kept across restarts)
 * @param root                repository root holding the service modules' target/ directories
 * @param postgresPort        PostgreSQL port
 * @param kafkaPort           Kafka client port
 * @param kafkaControllerPort KRaft controller port
 * @param issuer              {@code iss} of dev tokens; services fetch {@code <issuer>/.well-known/jwks.json}
 * @param startTimeout        how long all services may take to report UP
 * @param childJvmOptions     JVM options of each service process
 * @param launchServices      false starts only PostgreSQL, Kafka and the issuer
 * @param radicalePort        port of the dev CalDAV server (Debian's radicale, started when installed); 0 = off
 * @param services            the services to launch
 */
@ConfigurationProperties("local-stack")
public record LocalStackProperties(
        @DefaultValue(".local") String dataDir,
        @DefaultValue(".") String root,
        @DefaultValue("55432") int postgresPort,
        @DefaultValue("59092") int kafkaPort,
        @DefaultValue("59093") int kafkaControllerPort,
        @DefaultValue("http://localhost:8080") String issuer,
        @DefaultValue("180s") Duration startTimeout,
        @DefaultValue("") String childJvmOptions,
        @DefaultValue("true") boolean launchServices,
        @DefaultValue("55232") int radicalePort,
        List<Service> services) {

    public LocalStackProperties {
        services = services == null ? List.of() : List.copyOf(services);
    }

    /** The data directory, resolved against the working directory (plain strings: no servlet-context lookup). */
    public Path dataPath() {
        return Path.of(dataDir).toAbsolutePath().normalize();
    }

    public Path rootPath() {
        return Path.of(root).toAbsolutePath().normalize();
    }

    /**
     * One service process.
     *
     * @param name        unique name (log file, banner)
     * @param port        HTTP port
     * @param mainClass   main class
     * @param module      the module whose classes it runs (default: {@code name}); two entries of one module run
     *                    two nodes of that service
     * @param environment extra environment of this process only
     */
    public record Service(String name, int port, String mainClass, String module, Map<String, String> environment) {

        @ConstructorBinding
        public Service {
            module = module == null || module.isBlank() ? name : module;
            environment = environment == null ? Map.of() : Map.copyOf(environment);
        }

        public Service(String name, int port, String mainClass) {
            this(name, port, mainClass, null, null);
        }
    }
}
