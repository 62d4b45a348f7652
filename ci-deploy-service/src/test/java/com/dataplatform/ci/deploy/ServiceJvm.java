package com.dataplatform.ci.deploy;

import com.dataplatform.testsupport.FreePorts;
import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.SuitePostgres;
import com.dataplatform.testsupport.TestJwts;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The real service as a child JVM, started the way local-stack starts it: {@code target/classes} plus the runtime
 * classpath Maven wrote to {@code target/runtime-classpath.txt}, the production application.yml, and only the
 * connection settings (embedded PostgreSQL and Kafka, the test JWT key, a port, the work dir) given as system
 * properties. {@link #kill()} is SIGKILL: no shutdown hook, no bean destroy method runs.
 */
public final class ServiceJvm implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceJvm(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts the service on a free port with this work dir and any further {@code key=value} properties, and waits
     * until it answers an authenticated request.
     */
    public static ServiceJvm start(Path workDir, Path log, Duration timeout, String... properties) throws Exception {
        Path classes = Path.of(CiDeployApplication.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path classpathFile = classes.getParent().resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: build the module with Maven (the "
                    + "process-classes phase writes it)");
        }
        String classpath = classes + File.pathSeparator + Files.readString(classpathFile).trim();
        int port = freePort();
        SuitePostgres.Connection pg = SuitePostgres.get();
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                "-Dspring.datasource.url=" + pg.jdbcUrl(),
                "-Dspring.datasource.username=" + pg.username(),
                "-Dspring.datasource.password=" + pg.password(),
                "-Dspring.kafka.bootstrap-servers=" + SuiteKafka.bootstrapServers(),
                "-Dspring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "-Dserver.port=" + port,
                "-Dci-deploy.work-dir=" + workDir.toAbsolutePath(),
                "-Dci-deploy.outbox-interval=100ms",
                "-Dci-deploy.drain-timeout=2s"));
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.addAll(List.of("-cp", classpath, CiDeployApplication.class.getName()));
        Files.createDirectories(log.getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServiceJvm jvm = new ServiceJvm(p, port, log);
        jvm.awaitReady(timeout);
        return jvm;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the JVM is gone. */
    public void kill() throws InterruptedException {
        process.destroyForcibly();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            throw new IllegalStateException("service pid " + process.pid() + " survived SIGKILL");
        }
    }

    /** The end of the service's log, for assertion messages. */
    public String logTail() {
        try {
            String all = Files.readString(log, StandardCharsets.UTF_8);
            return all.substring(Math.max(0, all.length() - 6000));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private void awaitReady(Duration timeout) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/apps/readiness-probe"))
                .header("Authorization", TestJwts.bearer("probe")).timeout(Duration.ofSeconds(5)).build();
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the service exited during startup (code " + process.exitValue()
                        + "):\n" + logTail());
            }
            try {
                // 404 problem: security, MVC and the database answered
                if (HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == 404) {
                    return;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (System.nanoTime() > deadline) {
                process.destroyForcibly();
                throw new IllegalStateException("the service did not answer within " + timeout + ":\n" + logTail());
            }
            Thread.sleep(200);
        }
    }

    private static int freePort() {
        try {
            return FreePorts.next();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** SIGTERM (a graceful stop), then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            process.destroy();
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
