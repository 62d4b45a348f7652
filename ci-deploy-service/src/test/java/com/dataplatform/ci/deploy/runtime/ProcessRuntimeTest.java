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
}
