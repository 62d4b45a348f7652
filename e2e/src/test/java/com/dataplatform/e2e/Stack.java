package com.dataplatform.e2e;

import com.dataplatform.testsupport.FreePorts;
import com.dataplatform.localstack.LocalKafka;
import com.dataplatform.localstack.LocalPostgres;
import com.dataplatform.localstack.LocalRadicale;
import com.dataplatform.localstack.LocalStackApplication;
import com.dataplatform.localstack.ServiceFleet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The whole local stack, once per test JVM, on free ports with a fresh data directory: real PostgreSQL and Kafka,
 * the dev token issuer (also the webhook inbox), Radicale, and the services as child JVMs from their modules'
 * built classes — the six plus a second stream-distributor node ({@value #DISTRIBUTOR_2}). Stopped at JVM exit.
 */
public final class Stack {

    public static final String CI_DEPLOY = "ci-deploy-service";
    public static final String DISTRIBUTOR = "stream-distributor";
    public static final String DISTRIBUTOR_2 = "stream-distributor-2";
    public static final String CALENDAR = "calendar-sync";
    public static final String EXTRACT = "bulk-extract";
    public static final String DATAFLOW = "dataflow-scheduler";
    public static final String ANALYTICS = "analytics-embed";

    private static final String[][] SERVICES = {
            {CI_DEPLOY, CI_DEPLOY, "com.dataplatform.ci.deploy.CiDeployApplication"},
            {DISTRIBUTOR, DISTRIBUTOR, "com.dataplatform.stream.distributor.StreamDistributorApplication"},
            {DISTRIBUTOR_2, DISTRIBUTOR, "com.dataplatform.stream.distributor.StreamDistributorApplication"},
            {CALENDAR, CALENDAR, "com.dataplatform.calendar.sync.CalendarSyncApplication"},
            {EXTRACT, EXTRACT, "com.dataplatform.bulk.extract.BulkExtractApplication"},
            {DATAFLOW, DATAFLOW, "com.dataplatform.dataflow.scheduler.DataflowSchedulerApplication"},
            {ANALYTICS, ANALYTICS, "com.dataplatform.analytics.embed.AnalyticsEmbedApplication"}};

    private static Stack instance;
    private static RuntimeException failedStart;

    private final ConfigurableApplicationContext context;
    private final int issuerPort;
    private final Map<String, Integer> ports;
    private final Path dataDir;

    private Stack(ConfigurableApplicationContext context, int issuerPort, Map<String, Integer> ports, Path dataDir) {
        this.context = context;
        this.issuerPort = issuerPort;
        this.ports = ports;
        this.dataDir = dataDir;
    }

    public static synchronized Stack get() {
        if (failedStart != null) {
            throw new IllegalStateException("the local stack did not start (see the first test's failure)", failedStart);
        }
        if (instance == null) {
            try {
                instance = start();
            } catch (RuntimeException e) {
                failedStart = e;
                throw e;
            }
            Stack started = instance;
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                started.context.close();
                org.springframework.util.FileSystemUtils.deleteRecursively(started.dataDir.toFile());
            }, "stack-stop"));
        }
        return instance;
    }

    private static Stack start() {
        try {
            Path root = Path.of("..").toAbsolutePath().normalize();
            Path data = Files.createTempDirectory("e2e-stack");
            int web = freePort();
            List<String> args = new ArrayList<>(List.of("--server.port=" + web, "--local-stack.data-dir=" + data,
                    "--local-stack.root=" + root, "--local-stack.postgres-port=" + freePort(),
                    "--local-stack.kafka-port=" + freePort(), "--local-stack.kafka-controller-port=" + freePort(),
                    "--local-stack.radicale-port=" + freePort(), "--local-stack.issuer=http://localhost:" + web,
                    "--local-stack.start-timeout=300s"));
            Map<String, Integer> ports = new LinkedHashMap<>();
            for (int i = 0; i < SERVICES.length; i++) {
                int port = freePort();
                ports.put(SERVICES[i][0], port);
                args.add("--local-stack.services[" + i + "].name=" + SERVICES[i][0]);
                args.add("--local-stack.services[" + i + "].module=" + SERVICES[i][1]);
                args.add("--local-stack.services[" + i + "].port=" + port);
                args.add("--local-stack.services[" + i + "].main-class=" + SERVICES[i][2]);
                if (SERVICES[i][0].equals(ANALYTICS)) { // its invalidation log line proves the request id travelled
                    args.add("--local-stack.services[" + i + "].environment[LOGGING_LEVEL_COM_DATAPLATFORM_ANALYTICS_EMBED_DATA]=DEBUG");
                }
                if (SERVICES[i][1].equals(DISTRIBUTOR)) {
                    args.add("--local-stack.services[" + i + "].environment[STREAM_DISTRIBUTOR_NODE_ID]="
                            + (SERVICES[i][0].equals(DISTRIBUTOR) ? "node-a" : "node-b"));
                }
            }
            ConfigurableApplicationContext ctx = SpringApplication.run(LocalStackApplication.class,
                    args.toArray(String[]::new));
            return new Stack(ctx, web, ports, data);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the local stack", e);
        }
    }

    /** A free port for one of the stack's servers (see {@link FreePorts}: never one the kernel may hand out). */
    public static int freePort() throws IOException {
        return FreePorts.next();
    }

    /** {@code http://localhost:<port>} of a service (by its stack name). */
    public String url(String service) {
        Integer port = ports.get(service);
        if (port == null) {
            throw new IllegalArgumentException("no service " + service);
        }
        return "http://localhost:" + port;
    }

    public int port(String service) {
        return ports.get(service);
    }

    public Map<String, Integer> ports() {
        return Map.copyOf(ports);
    }

    /** The dev issuer (tokens, JWK set, webhook inbox). */
    public String issuer() {
        return "http://localhost:" + issuerPort;
    }

    public ServiceFleet fleet() {
        return context.getBean(ServiceFleet.class);
    }

    public JdbcClient jdbc() {
        return JdbcClient.create(context.getBean(LocalPostgres.class).dataSource());
    }

    public String kafkaBootstrap() {
        return context.getBean(LocalKafka.class).bootstrapServers();
    }

    public LocalRadicale radicale() {
        return context.getBean(LocalRadicale.class);
    }

    public Path dataDir() {
        return dataDir;
    }

    public Path log(String service) {
        return dataDir.resolve("logs").resolve(service + ".log");
    }
}
