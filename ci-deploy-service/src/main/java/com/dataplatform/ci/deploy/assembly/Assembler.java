package com.dataplatform.ci.deploy.assembly;

import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.lifecycle.StageFailure;
import com.dataplatform.ci.deploy.runtime.AppRuntime;
import com.dataplatform.ci.deploy.runtime.RunSpec;
import com.dataplatform.ci.deploy.runtime.RunningApp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * The CI step: runs the optional {@code build} in the unpacked workspace (same isolation as a run, no database
 * channel, a timeout), then freezes the workspace read-only and records its content hash. The artifact is
 * immutable from here on: every later run first checks the hash ({@link #verify}).
 */
public class Assembler {

    private static final int BUILD_MEMORY_MB = 1024;

    private final AppRuntime runtime;
    private final Duration buildTimeout;

    public Assembler(AppRuntime runtime, Duration buildTimeout) {
        this.runtime = runtime;
        this.buildTimeout = buildTimeout;
    }

    /** Builds and freezes; returns the content hash. */
    public String assemble(String label, VersionPaths paths, AppDescriptor descriptor)
            throws StageFailure, IOException, InterruptedException {
        if (descriptor.build() != null) {
            RunSpec spec = new RunSpec(label + "-build", paths.workspace(), paths.root().resolve("build-home"),
                    paths.buildLog(), descriptor.build(), Map.of(), BUILD_MEMORY_MB, buildTimeout);
            RunningApp build = runtime.start(spec);
            RunningApp.Outcome outcome = build.await();
            if (outcome.timedOut()) {
                throw new StageFailure("build timed out after " + buildTimeout.toSeconds() + " s");
            }
            if (outcome.exitCode() != 0) {
                throw new StageFailure("build exited with code " + outcome.exitCode() + ": "
                        + LogTail.of(paths.buildLog(), 800));
            }
        }
        freeze(paths.workspace());
        return ContentHash.of(paths.workspace());
    }

    /** Throws if the artifact changed since it was assembled. */
    public static void verify(VersionPaths paths, String expected) throws StageFailure, IOException {
        if (!Files.isDirectory(paths.workspace())) {
            throw new StageFailure("the artifact's workspace is missing on this node");
        }
        String actual = ContentHash.of(paths.workspace());
        if (!actual.equals(expected)) {
            throw new StageFailure("the artifact changed after assembly (" + actual + " != " + expected + ")");
        }
    }

    static void freeze(Path root) throws IOException {
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (Files.isSymbolicLink(p)) {
                    continue;
                }
                Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                perms.removeAll(Set.of(PosixFilePermission.OWNER_WRITE, PosixFilePermission.GROUP_WRITE,
                        PosixFilePermission.OTHERS_WRITE));
                Files.setPosixFilePermissions(p, perms);
            }
        }
    }

    /** Makes a frozen tree deletable again (before retention removes it). */
    public static void thaw(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            for (Path p : (Iterable<Path>) walk::iterator) {
                if (!Files.isSymbolicLink(p)) {
                    Set<PosixFilePermission> perms = EnumSet.copyOf(Files.getPosixFilePermissions(p));
                    perms.add(PosixFilePermission.OWNER_WRITE);
                    Files.setPosixFilePermissions(p, perms);
                }
            }
        }
    }
}
