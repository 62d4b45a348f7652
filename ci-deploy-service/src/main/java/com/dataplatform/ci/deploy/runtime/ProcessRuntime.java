package com.dataplatform.ci.deploy.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The default container: a separate OS process started by {@code sh -c} in the artifact's workspace, with a clean
 * environment (only the channels in the spec, PATH, HOME and TMPDIR in the version's own run directory), stdout and
 * stderr appended to the run's log, a wall-clock timeout that kills the whole process tree, a JVM heap limit through
 * JAVA_TOOL_OPTIONS and, where cgroups are writable, a kernel memory limit.
 */
public final class ProcessRuntime implements AppRuntime {

    private static final AtomicLong RUNS = new AtomicLong();

    private final String javaOptions;
    private final Optional<CgroupMemory> cgroups;

    public ProcessRuntime(String javaOptions, Optional<CgroupMemory> cgroups) {
        this.javaOptions = javaOptions == null ? "" : javaOptions;
        this.cgroups = cgroups;
    }

    @Override
    public String kind() {
        return "process";
    }

    public boolean kernelMemoryLimit() {
        return cgroups.isPresent();
    }

    @Override
    public RunningApp start(RunSpec spec) throws IOException {
        Path tmp = spec.runDir().resolve("tmp");
        Files.createDirectories(tmp);
        Files.createDirectories(spec.logFile().getParent());
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", Path.of(System.getProperty("java.home"), "bin") + ":/usr/local/bin:/usr/bin:/bin");
        env.put("HOME", spec.runDir().toString());
        env.put("TMPDIR", tmp.toString());
        env.put("LANG", "C.UTF-8");
        int heapMb = Math.max(16, spec.memoryMb() * 3 / 4);
        env.put("JAVA_TOOL_OPTIONS", ("-Xmx" + heapMb + "m -Djava.io.tmpdir=" + tmp + " " + javaOptions).trim());
        env.putAll(spec.env());
        env.put(WORKSPACE_MARKER, marker(spec.workspace()));
        env.put("APP_RUN", spec.command());
        String group = spec.name() + "-" + RUNS.incrementAndGet();
        String script = "exec sh -c \"$APP_RUN\"";
        if (cgroups.isPresent()) {
            Path procs = cgroups.get().create(group, spec.memoryMb());
            env.put("APP_CGROUP_PROCS", procs.toString());
            script = "echo $$ > \"$APP_CGROUP_PROCS\" && unset APP_CGROUP_PROCS && exec sh -c \"$APP_RUN\"";
        }
        ProcessBuilder pb = new ProcessBuilder(List.of("/bin/sh", "-c", script)).directory(spec.workspace().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(spec.logFile().toFile()));
        pb.environment().clear();
        pb.environment().putAll(env);
        Process process = pb.start();
        Instant started = process.info().startInstant().orElse(Instant.now());
        return new ProcessRun(process, started, spec.timeoutOrDefault(), group);
    }

    @Override
    public boolean killOrphan(long pid, Instant startedAt) {
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        if (handle.isEmpty() || !handle.get().isAlive()) {
            return false;
        }
        Optional<Instant> start = handle.get().info().startInstant();
        if (startedAt != null && start.isPresent()
                && Duration.between(start.get(), startedAt).abs().compareTo(Duration.ofSeconds(2)) > 0) {
            return false;
        }
        kill(handle.get(), Duration.ofSeconds(2));
        return true;
    }

    @Override
    public int killLeftovers(Path workspace) {
        List<ProcessHandle> found = leftovers(workspace);
        found.forEach(h -> kill(h, Duration.ofSeconds(2)));
        return found.size();
    }

    /**
     * Live processes whose environment carries this workspace's marker (Linux {@code /proc/<pid>/environ}; the
     * service's user can read it for the processes it started). Empty where there is no /proc.
     */
    public static List<ProcessHandle> leftovers(Path workspace) {
        byte[] needle = (WORKSPACE_MARKER + "=" + marker(workspace)).getBytes(StandardCharsets.UTF_8);
        long self = ProcessHandle.current().pid();
        try (var all = ProcessHandle.allProcesses()) {
            return all.filter(h -> h.pid() != self && hasEnvEntry(h.pid(), needle)).toList();
        }
    }

    static String marker(Path workspace) {
        return workspace.toAbsolutePath().normalize().toString();
    }

    private static boolean hasEnvEntry(long pid, byte[] entry) {
        byte[] environ;
        try {
            environ = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "environ"));
        } catch (IOException | SecurityException e) {
            return false; // gone, or not ours
        }
        int start = 0;
        for (int i = 0; i <= environ.length; i++) {
            if (i == environ.length || environ[i] == 0) {
                if (i - start == entry.length && Arrays.equals(environ, start, i, entry, 0, entry.length)) {
                    return true;
                }
                start = i + 1;
            }
        }
        return false;
    }

    static void kill(ProcessHandle root, Duration grace) {
        List<ProcessHandle> tree = new java.util.ArrayList<>(root.descendants().toList());
        tree.add(root);
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + grace.toNanos();
        for (ProcessHandle p : tree) {
            long left = deadline - System.nanoTime();
            try {
                p.onExit().get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (Exception e) {
                p.destroyForcibly();
            }
        }
        tree.forEach(ProcessHandle::destroyForcibly);
    }

    private final class ProcessRun implements RunningApp {
        private final Process process;
        private final Instant started;
        private final Duration timeout;
        private final String group;

        ProcessRun(Process process, Instant started, Duration timeout, String group) {
            this.process = process;
            this.started = started;
            this.timeout = timeout;
            this.group = group;
        }

        @Override
        public long pid() {
            return process.pid();
        }

        @Override
        public Instant startedAt() {
            return started;
        }

        @Override
        public boolean alive() {
            return process.isAlive();
        }

        @Override
        public Outcome await() throws InterruptedException {
            long t0 = System.nanoTime();
            try {
                boolean done = process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
                if (!done) {
                    kill(process.toHandle(), Duration.ofSeconds(2));
                    return new Outcome(-1, true, Duration.ofNanos(System.nanoTime() - t0));
                }
                // the shell is gone; anything it left behind in the background goes too
                process.toHandle().descendants().forEach(ProcessHandle::destroyForcibly);
                return new Outcome(process.exitValue(), false, Duration.ofNanos(System.nanoTime() - t0));
            } catch (InterruptedException e) {
                kill(process.toHandle(), Duration.ofSeconds(1));
                throw e;
            } finally {
                if (!process.isAlive()) {
                    cgroups.ifPresent(c -> c.remove(group));
                }
            }
        }

        @Override
        public void stop(Duration grace) {
            kill(process.toHandle(), grace);
            cgroups.ifPresent(c -> c.remove(group));
        }
    }
}
