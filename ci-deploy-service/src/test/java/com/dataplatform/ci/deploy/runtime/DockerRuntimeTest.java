package com.dataplatform.ci.deploy.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerRuntimeTest {

    @TempDir
    Path dir;

    private RunSpec spec(String command) {
        return new RunSpec("app-v1", dir.resolve("workspace"), dir.resolve("run"), dir.resolve("logs/run.log"),
                command, Map.of("DB_USER", "app_x_v1", "APP_CLASSPATH", "/jars/postgresql.jar"), 256,
                Duration.ofSeconds(30));
    }

    @Test
    void the_container_is_unprivileged_memory_limited_and_sees_the_workspace_read_only() {
        List<String> cmd = new DockerRuntime("eclipse-temurin:17-jre").command(spec("java App.java"), "c1");
        String line = String.join(" ", cmd);
        assertThat(line).contains("--memory 256m --memory-swap 256m").contains("--cap-drop ALL")
                .contains("no-new-privileges").contains(dir.resolve("workspace") + ":/app:ro")
                .contains("-e DB_USER=app_x_v1").contains("/jars/postgresql.jar:/opt/ci-deploy/jdbc.jar:ro")
                .contains("APP_CLASSPATH=/opt/ci-deploy/jdbc.jar");
        assertThat(cmd.subList(cmd.size() - 3, cmd.size())).containsExactly("sh", "-c", "java App.java");
    }

    @Test
    @Tag("docker")
    void runs_a_command_in_a_container_where_an_engine_exists() throws Exception {
        assumeThat(DockerRuntime.engineAvailable()).as("docker engine").isTrue();
        Files.createDirectories(dir.resolve("workspace"));
        RunningApp run = new DockerRuntime("busybox").start(spec("echo from-container $DB_USER"));
        assertThat(run.await().succeeded()).isTrue();
        assertThat(Files.readString(dir.resolve("logs/run.log"))).contains("from-container app_x_v1");
    }
}
