package com.dataplatform.ci.deploy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the same spec in a Docker container where an engine exists: the workspace mounted read-only at /app, the run
 * directory at /run-dir, the JDBC driver at /opt/ci-deploy/jdbc.jar (APP_CLASSPATH), a kernel memory limit
 * ({@code --memory}, no swap), no privileges ({@code --cap-drop ALL}, {@code no-new-privileges}), host network so
 * DB_URL and KAFKA_BOOTSTRAP resolve as they do for the service. Not exercised in this repository's tests
 * (tagged {@code docker}).
 */
public final class DockerRuntime implements AppRuntime {

    private final String image;

    public DockerRuntime(String image) {
        this.image = image;
    }

    @Override
    public String kind() {
        return "docker";
    }

    public List<String> command(RunSpec spec, String container) {
        List<String> cmd = new ArrayList<>(List.of("docker", "run", "--rm", "--name", container,
                "--memory", spec.memoryMb() + "m", "--memory-swap", spec.memoryMb() + "m",
                "--label", WORKSPACE_MARKER + "=" + spec.workspace().toAbsolutePath().normalize(),
                "--cap-drop", "ALL", "--security-opt", "no-new-privileges", "--network", "host",
                "-v", spec.workspace() + ":/app:ro", "-v", spec.runDir() + ":/run-dir", "-w", "/app",
                "-e", "HOME=/run-dir", "-e", "TMPDIR=/run-dir/tmp",
                "-e", "JAVA_TOOL_OPTIONS=-Xmx" + Math.max(16, spec.memoryMb() * 3 / 4) + "m"));
        for (Map.Entry<String, String> e : spec.env().entrySet()) {
            if (e.getKey().equals("APP_CLASSPATH")) {
                cmd.addAll(List.of("-v", e.getValue() + ":/opt/ci-deploy/jdbc.jar:ro",
                        "-e", "APP_CLASSPATH=/opt/ci-deploy/jdbc.jar"));
            } else {
                cmd.addAll(List.of("-e", e.getKey() + "=" + e.getValue()));
            }
        }
        cmd.addAll(List.of(image, "sh", "-c", spec.command()));
        return cmd;
    }

    @Override
    public RunningApp start(RunSpec spec) throws IOException {
        Files.createDirectories(spec.runDir().resolve("tmp"));
        Files.createDirectories(spec.logFile().getParent());
        String container = "ci-deploy-" + spec.name() + "-" + System.nanoTime();
        Process p = new ProcessBuilder(command(spec, container)).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile())).start();
        Instant started = Instant.now();
        Duration timeout = spec.timeoutOrDefault();
        return new RunningApp() {
            @Override
            public long pid() {
                return p.pid();
            }

            @Override
            public Instant startedAt() {
                return started;
            }

            @Override
            public boolean alive() {
                return p.isAlive();
            }

            @Override
            public Outcome await() throws InterruptedException {
                long t0 = System.nanoTime();
                if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    stop(Duration.ofSeconds(2));
                    return new Outcome(-1, true, Duration.ofNanos(System.nanoTime() - t0));
                }
                return new Outcome(p.exitValue(), false, Duration.ofNanos(System.nanoTime() - t0));
            }

            @Override
            public void stop(Duration grace) {
                try {
                    new ProcessBuilder("docker", "stop", "-t", Long.toString(Math.max(1, grace.toSeconds())),
                            container).start().waitFor(grace.toSeconds() + 10, TimeUnit.SECONDS);
                } catch (IOException e) {
                    // fall through to killing the client
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                p.destroyForcibly();
            }
        };
    }

    @Override
    public boolean killOrphan(long pid, Instant startedAt) {
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).map(h -> {
            ProcessRuntime.kill(h, Duration.ofSeconds(2));
            return true;
        }).orElse(false);
    }

    /** Removes the containers labelled with this workspace (a killed service's {@code docker run} leaves them). */
    @Override
    public int killLeftovers(Path workspace) {
        try {
            Process ps = new ProcessBuilder("docker", "ps", "-q", "--filter",
                    "label=" + WORKSPACE_MARKER + "=" + workspace.toAbsolutePath().normalize()).start();
            List<String> ids = new String(ps.getInputStream().readAllBytes()).lines().filter(l -> !l.isBlank())
                    .toList();
            ps.waitFor(30, TimeUnit.SECONDS);
            if (!ids.isEmpty()) {
                List<String> rm = new ArrayList<>(List.of("docker", "rm", "-f"));
                rm.addAll(ids);
                new ProcessBuilder(rm).redirectErrorStream(true).start().waitFor(30, TimeUnit.SECONDS);
            }
            return ids.size();
        } catch (IOException e) {
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }

    /** True where a Docker engine answers. */
    public static boolean engineAvailable() {
        try {
            Process p = new ProcessBuilder("docker", "info").redirectErrorStream(true)
                    .redirectOutput(Path.of("/dev/null").toFile()).start();
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
