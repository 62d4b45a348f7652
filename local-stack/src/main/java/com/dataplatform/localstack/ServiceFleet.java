package com.dataplatform.localstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The six services as child JVMs, each started from its module's {@code target/classes} and the runtime classpath
 * Maven wrote next to it — the same classes and application.yml as the production jar; only connection settings
 * come in through the environment. Logs go to {@code <data-dir>/logs/<service>.log}.
 */
public final class ServiceFleet implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ServiceFleet.class);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private final LocalStackProperties props;
    private final Map<String, String> environment;
    private final Map<String, Process> processes = new LinkedHashMap<>();

    public ServiceFleet(LocalStackProperties props, Map<String, String> environment) {
        this.props = props;
        this.environment = Map.copyOf(environment);
    }

    /** Launches every service, then waits until each reports UP; fails (and stops them) if one dies or times out. */
    public synchronized void start() {
        for (LocalStackProperties.Service s : props.services()) {
            processes.put(s.name(), launch(s));
        }
        awaitUp(props.services());
    }

    /** Starts one service again (after {@link #kill} or {@link #stop}) and waits until it is UP. */
    public synchronized void start(String name) {
        LocalStackProperties.Service s = service(name);
        Process running = processes.get(name);
        if (running != null && running.isAlive()) {
            throw new IllegalStateException(name + " is already running");
        }
        processes.put(name, launch(s));
        awaitUp(List.of(s));
    }

    /** SIGKILL: the service gets no chance to clean up, as in a crash or an OOM kill. */
    public synchronized void kill(String name) {
        Process p = processes.get(name);
        if (p != null && p.isAlive()) {
            log.info("killing {} (SIGKILL)", name);
            p.destroyForcibly();
            waitFor(name, p, 10);
        }
    }

    /** SIGTERM and wait: a graceful shutdown. */
    public synchronized void stop(String name) {
        Process p = processes.get(name);
        if (p != null && p.isAlive()) {
            p.destroy();
            waitFor(name, p, 30);
        }
    }

    public boolean isRunning(String name) {
        Process p = processes.get(name);
        return p != null && p.isAlive();
    }

    public LocalStackProperties.Service service(String name) {
        return props.services().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no service named " + name));
    }

    private void awaitUp(List<LocalStackProperties.Service> services) {
        long deadline = System.nanoTime() + props.startTimeout().toNanos();
        List<LocalStackProperties.Service> pending = new ArrayList<>(services);
        while (!pending.isEmpty()) {
            for (var it = pending.iterator(); it.hasNext();) {
                LocalStackProperties.Service s = it.next();
                Process p = processes.get(s.name());
                if (p == null || !p.isAlive()) {
                    throw new IllegalStateException(s.name() + " exited during startup (exit code "
                            + (p == null ? "?" : p.exitValue()) + "); see " + logFile(s));
                }
                if (isUp(s)) {
                    log.info("{} is UP on http://localhost:{}", s.name(), s.port());
                    it.remove();
                }
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not UP within " + props.startTimeout() + ": "
                        + pending.stream().map(LocalStackProperties.Service::name).toList());
            }
            sleep(500);
        }
    }

    private static void waitFor(String name, Process p, int seconds) {
        try {
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                log.warn("{} did not stop within {} s; killing it", name, seconds);
                p.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            p.destroyForcibly();
        }
    }

    public static boolean isUp(LocalStackProperties.Service s) {
        try {
            HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(
                    URI.create("http://localhost:" + s.port() + "/actuator/health")).timeout(Duration.ofSeconds(3)).build(),
                    HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 && r.body().contains("\"status\":\"UP\"");
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Process launch(LocalStackProperties.Service s) {
        Path module = props.rootPath().resolve(s.module()).toAbsolutePath().normalize();
        Path classes = module.resolve("target/classes");
        Path classpathFile = module.resolve("target/runtime-classpath.txt");
        if (!Files.isDirectory(classes) || !Files.isRegularFile(classpathFile)) {
            throw new IllegalStateException(s.name() + " is not built (" + classes + " / " + classpathFile
                    + " missing): start the stack with ./mvnw -B -pl local-stack -am spring-boot:run");
        }
        try {
            String classpath = classes + java.io.File.pathSeparator + Files.readString(classpathFile).trim();
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            if (!props.childJvmOptions().isBlank()) {
                command.addAll(Arrays.asList(props.childJvmOptions().trim().split("\\s+")));
            }
            command.addAll(List.of("-cp", classpath, s.mainClass()));
            ProcessBuilder pb = new ProcessBuilder(command).directory(module.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(s).toFile()));
            Files.createDirectories(logFile(s).getParent());
            pb.environment().putAll(environment);
            pb.environment().putAll(s.environment());
            pb.environment().put("SERVER_PORT", Integer.toString(s.port()));
            log.info("starting {} on port {} (log: {})", s.name(), s.port(), logFile(s));
            return pb.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + s.name(), e);
        }
    }

    private Path logFile(LocalStackProperties.Service s) {
        return props.dataPath().resolve("logs").resolve(s.name() + ".log").toAbsolutePath();
    }

    /** SIGTERM to every service (they shut down gracefully), then SIGKILL to any still alive after 30 s. */
    @Override
    public synchronized void close() {
        processes.forEach((name, p) -> {
            if (p.isAlive()) {
                log.info("stopping {}", name);
                p.destroy();
            }
        });
        processes.forEach((name, p) -> waitFor(name, p, 30));
        processes.clear();
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for services", e);
        }
    }
}
