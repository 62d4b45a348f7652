package com.dataplatform.ci.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ProcessRuntimeTest {

    @TempDir
    Path dir;

    private RunSpec spec(String command, Duration timeout) throws Exception {
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        return new RunSpec("app-v1", workspace, dir.resolve("run"), dir.resolve("logs/run.log"), command,
                Map.of("DB_USER", "app_x_v1"), 128, timeout);
    }

    @Test
    void runs_in_the_workspace_with_only_the_given_environment_and_captures_output() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("", CgroupMemory.detect());
        RunningApp run = runtime.start(spec("pwd; env | sort; echo to-stderr >&2", Duration.ofSeconds(10)));
        assertThat(run.await().succeeded()).isTrue();
        String log = Files.readString(dir.resolve("logs/run.log"));
        assertThat(log).contains(dir.resolve("workspace").toString()).contains("DB_USER=app_x_v1")
                .contains("HOME=" + dir.resolve("run")).contains("JAVA_TOOL_OPTIONS=-Xmx96m").contains("to-stderr")
                .doesNotContain("MAVEN").doesNotContain("JAVA_HOME=");
    }

    @Test
    void a_run_over_its_timeout_is_killed_with_everything_it_started() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("", Optional.empty());
        RunningApp run = runtime.start(spec("sleep 60 & sleep 60; wait", Duration.ofSeconds(1)));
        // both sleeps started (the shell waits on them)
        await().atMost(Duration.ofSeconds(10)).until(() ->
                ProcessHandle.of(run.pid()).orElseThrow().descendants().count() >= 2);
        var children = ProcessHandle.of(run.pid()).orElseThrow().descendants().toList();
        assertThat(children).isNotEmpty();
        RunningApp.Outcome outcome = run.await();
        assertThat(outcome.timedOut()).isTrue();
        assertThat(run.alive()).isFalse();
        for (ProcessHandle child : children) {
            child.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(child.isAlive()).isFalse();
        }
    }

    @Test
    void joins_a_memory_limited_cgroup_where_cgroups_are_writable() throws Exception {
        Optional<CgroupMemory> cgroups = CgroupMemory.detect();
        ProcessRuntime runtime = new ProcessRuntime("", cgroups);
        RunningApp run = runtime.start(spec("cat /proc/self/cgroup", Duration.ofSeconds(10)));
        assertThat(run.await().succeeded()).isTrue();
        String log = Files.readString(dir.resolve("logs/run.log"));
        if (cgroups.isPresent()) {
            assertThat(log).contains("ci-deploy-app-v1");
        } else {
            System.out.println("cgroups not writable here; only the JVM heap limit applies");
        }
    }

    @Test
    void an_orphan_is_killed_only_if_pid_and_start_time_match() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("", Optional.empty());
        RunningApp run = runtime.start(spec("sleep 60", Duration.ofSeconds(30)));
        assertThat(runtime.killOrphan(run.pid(), run.startedAt().minusSeconds(3600))).isFalse();
        assertThat(run.alive()).isTrue();
        assertThat(runtime.killOrphan(run.pid(), run.startedAt())).isTrue();
        assertThat(run.await().timedOut()).isFalse();
        assertThat(run.alive()).isFalse();
    }

    @Test
    void leftovers_are_found_by_their_workspace_even_when_they_left_the_process_tree() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("", Optional.empty());
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Path other = Files.createDirectories(dir.resolve("other-workspace"));
        // the run daemonizes a sleeper (its parent exits at once, so it is re-parented away from the run's tree)
        RunningApp run = runtime.start(new RunSpec("app-v1", workspace, dir.resolve("run"),
                dir.resolve("logs/run.log"), "(sleep 60 &) ; sleep 60", Map.of(), 128, Duration.ofSeconds(30)));
        RunningApp bystander = runtime.start(new RunSpec("app-v2", other, dir.resolve("run2"),
                dir.resolve("logs/run2.log"), "sleep 60", Map.of(), 128, Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> ProcessRuntime.leftovers(workspace).size() >= 2);
        var found = ProcessRuntime.leftovers(workspace);
        assertThat(found).extracting(ProcessHandle::pid).contains(run.pid())
                .doesNotContain(bystander.pid(), ProcessHandle.current().pid());
        var tree = ProcessHandle.of(run.pid()).orElseThrow().descendants().map(ProcessHandle::pid).toList();
        assertThat(found).as("one of them is outside the run's process tree")
                .anyMatch(h -> h.pid() != run.pid() && !tree.contains(h.pid()));

        assertThat(runtime.killLeftovers(workspace)).isGreaterThanOrEqualTo(2);
        for (ProcessHandle h : found) {
            h.onExit().get(5, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(ProcessRuntime.leftovers(workspace)).isEmpty();
        assertThat(bystander.alive()).as("another workspace's run is untouched").isTrue();
        bystander.stop(Duration.ofSeconds(1));
    }

    @Test
    void a_java_run_over_its_memory_limit_fails_and_the_same_run_within_it_succeeds() throws Exception {
        ProcessRuntime runtime = new ProcessRuntime("", CgroupMemory.detect());
        Path workspace = Files.createDirectories(dir.resolve("workspace"));
        Files.writeString(workspace.resolve("Hog.java"), """
                public class Hog {
                    public static void main(String[] args) {
                        var held = new java.util.ArrayList<byte[]>();
                        for (int i = 0; i < 120; i++) {
                            held.add(new byte[1 << 20]);
                        }
                        System.out.println("held " + held.size() + " MB");
                    }
                }
                """);
        RunningApp small = runtime.start(new RunSpec("hog-v1", workspace, dir.resolve("run"),
                dir.resolve("logs/small.log"), "java Hog.java", Map.of(), 64, Duration.ofSeconds(120)));
        RunningApp.Outcome over = small.await();
        String smallLog = Files.readString(dir.resolve("logs/small.log"));
        assertThat(over.succeeded()).as(smallLog).isFalse();
        assertThat(smallLog).doesNotContain("held 120 MB");
        assertThat(over.exitCode() == 137 || smallLog.contains("OutOfMemoryError")).as(smallLog).isTrue();

        RunningApp big = runtime.start(new RunSpec("hog-v2", workspace, dir.resolve("run"),
                dir.resolve("logs/big.log"), "java Hog.java", Map.of(), 512, Duration.ofSeconds(120)));
        assertThat(big.await().succeeded()).as(Files.readString(dir.resolve("logs/big.log"))).isTrue();
        assertThat(Files.readString(dir.resolve("logs/big.log"))).contains("held 120 MB");
    }

    @Test
    void a_run_over_its_memory_limit_is_killed_by_the_kernel_where_cgroups_are_writable() throws Exception {
        Optional<CgroupMemory> cgroups = CgroupMemory.detect();
        if (cgroups.isEmpty()) {
            System.out.println("cgroups not writable here; only the JVM heap limit applies");
            return;
        }
        ProcessRuntime runtime = new ProcessRuntime("", cgroups);
        // tail keeps a newline-free stream in memory: 200 MB against a 32 MB limit
        RunningApp run = runtime.start(new RunSpec("hog-v3", Files.createDirectories(dir.resolve("workspace")),
                dir.resolve("run"), dir.resolve("logs/kernel.log"), "head -c 200000000 /dev/zero | tail > /dev/null",
                Map.of(), 32, Duration.ofSeconds(60)));
        RunningApp.Outcome outcome = run.await();
        assertThat(outcome.timedOut()).isFalse();
        assertThat(outcome.exitCode()).as(Files.readString(dir.resolve("logs/kernel.log"))).isNotZero();
    }
}
