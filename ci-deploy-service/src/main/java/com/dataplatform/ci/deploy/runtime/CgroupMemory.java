package com.dataplatform.ci.deploy.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Memory limits through cgroups where this process may create child groups (v1 {@code memory} controller or v2
 * with {@code memory} delegated). A run joins its group from the shell wrapper before it execs the app, so the app
 * and everything it starts are inside from the first instruction. Where cgroups are not writable the JVM heap
 * limit (JAVA_TOOL_OPTIONS -Xmx) is the only memory limit.
 */
public final class CgroupMemory {

    private static final Logger log = LoggerFactory.getLogger(CgroupMemory.class);

    private final Path parent;
    private final boolean v2;

    private CgroupMemory(Path parent, boolean v2) {
        this.parent = parent;
        this.v2 = v2;
    }

    /** The controller of this process's own group, if we may create children in it. */
    public static Optional<CgroupMemory> detect() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/self/cgroup"));
            for (String line : lines) {
                String[] parts = line.split(":", 3);
                if (parts.length == 3 && List.of(parts[1].split(",")).contains("memory")) {
                    return usable(own(Path.of("/sys/fs/cgroup/memory"), parts[2]), false);
                }
            }
            for (String line : lines) {
                if (line.startsWith("0::") && Files.exists(Path.of("/sys/fs/cgroup/cgroup.controllers"))) {
                    Path dir = own(Path.of("/sys/fs/cgroup"), line.substring(3));
                    if (Files.readString(dir.resolve("cgroup.subtree_control")).contains("memory")) {
                        return usable(dir, true);
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log.info("cgroup memory limits unavailable: {}", e.toString());
        }
        return Optional.empty();
    }

    private static Path own(Path mount, String path) {
        Path dir = mount.resolve(path.startsWith("/") ? path.substring(1) : path);
        return Files.isDirectory(dir) ? dir : mount;
    }

    private static Optional<CgroupMemory> usable(Path dir, boolean v2) {
        Path probe = dir.resolve("ci-deploy-probe-" + ProcessHandle.current().pid());
        try {
            Files.createDirectory(probe);
            Files.delete(probe);
            CgroupMemory cgroups = new CgroupMemory(dir, v2);
            cgroups.removeLeftovers();
            return Optional.of(cgroups);
        } catch (IOException | RuntimeException e) {
            log.info("cgroup {} not writable, memory limit is the JVM heap only: {}", dir, e.toString());
            return Optional.empty();
        }
    }

    /** Creates the group of one run with its limit; returns the file the run writes its pid to. */
    public Path create(String name, int memoryMb) throws IOException {
        Path group = parent.resolve("ci-deploy-" + name);
        if (!Files.isDirectory(group)) {
            Files.createDirectory(group);
        }
        long bytes = memoryMb * 1024L * 1024L;
        Files.writeString(group.resolve(v2 ? "memory.max" : "memory.limit_in_bytes"), Long.toString(bytes));
        return group.resolve("cgroup.procs");
    }

    /**
     * Removes the group once its processes ended. The kernel refuses while a member is still exiting, so this
     * retries for up to a second; what is left is removed at the next start ({@link #removeLeftovers}).
     */
    public void remove(String name) {
        Path group = parent.resolve("ci-deploy-" + name);
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                Files.deleteIfExists(group);
                return;
            } catch (IOException | RuntimeException e) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        log.debug("cgroup {} not removed yet", name);
    }

    /** Empty groups of earlier runs (a crash, a slow exit); groups with live members are left alone. */
    void removeLeftovers() {
        try (var groups = Files.list(parent)) {
            groups.filter(g -> g.getFileName().toString().startsWith("ci-deploy-") && Files.isDirectory(g))
                    .forEach(g -> {
                        try {
                            Files.delete(g);
                        } catch (IOException | RuntimeException e) {
                            log.debug("cgroup {} still in use", g);
                        }
                    });
        } catch (IOException | RuntimeException e) {
            log.debug("cgroup leftovers not listed: {}", e.toString());
        }
    }

    public Path parent() {
        return parent;
    }
}
