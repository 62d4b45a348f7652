package com.dataplatform.testsupport;

import java.io.File;
import java.io.IOException;
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
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * A service as a child JVM, started the way local-stack starts it: the module's {@code target/classes} plus the
 * runtime classpath Maven wrote to {@code target/runtime-classpath.txt} (service-parent's process-classes step), the
 * production application.yml, and only the connection settings (the JVM's embedded PostgreSQL and Kafka, the test JWT
 * key, a free port) plus the caller's properties as system properties. {@link #kill()} is SIGKILL: no shutdown hook,
 * no bean destroy method runs — what a crash of the machine looks like to the database and the broker.
 */
public final class ServiceProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final Process process;
    private final int port;
    private final Path log;

    private ServiceProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /**
     * Starts {@code mainClass} (its module's classes and runtime classpath) on a free port with the further
     * {@code key=value} properties, and waits until an authenticated {@code GET readinessPath} (org "probe") answers
     * {@code readyStatus}.
     */
    public static ServiceProcess start(Class<?> mainClass, Path log, Duration timeout, String readinessPath,
            int readyStatus, String... properties) throws Exception {
        Path classes = Path.of(mainClass.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path classpathFile = classes.getParent().resolve("runtime-classpath.txt");
        if (!Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(classpathFile + " is missing: build the module with Maven (the "
                    + "process-classes phase writes it)");
        }
        String classpath = classes + File.pathSeparator + Files.readString(classpathFile).trim();
        int port = FreePorts.next();
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
                "-Dsuite.logging.format=text",
                "-Dserver.port=" + port));
        for (String p : properties) {
            command.add("-D" + p);
        }
        command.addAll(List.of("-cp", classpath, mainClass.getName()));
        Files.createDirectories(log.toAbsolutePath().getParent());
        Process p = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        ServiceProcess service = new ServiceProcess(p, port, log);
        service.awaitReady(timeout, readinessPath, readyStatus);
        return service;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
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

    private void awaitReady(Duration timeout, String path, int status) {
        HttpRequest probe = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", TestJwts.bearer("probe")).timeout(Duration.ofSeconds(5)).build();
        AtomicReference<String> exited = new AtomicReference<>();
        try {
            Awaitility.await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> {
                if (!process.isAlive()) {
                    exited.set("the service exited during startup (code " + process.exitValue() + ")");
                    return true;
                }
                try {
                    return HTTP.send(probe, HttpResponse.BodyHandlers.discarding()).statusCode() == status;
                } catch (IOException notListeningYet) {
                    return false;
                }
            });
        } catch (ConditionTimeoutException e) {
            process.destroyForcibly();
            throw new IllegalStateException("the service did not answer within " + timeout + ":\n" + logTail());
        }
        if (exited.get() != null) {
            throw new IllegalStateException(exited.get() + ":\n" + logTail());
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
