package com.dataplatform.ci.deploy.assembly;

import java.nio.file.Path;

/** Where one version lives on this node's disk: {@code <workDir>/apps/<app>/v<N>/{bundle,workspace,run,logs}}. */
public record VersionPaths(Path root) {

    public static VersionPaths of(Path workDir, String app, int version) {
        return new VersionPaths(workDir.resolve("apps").resolve(app).resolve("v" + version));
    }

    public Path bundle() {
        return root.resolve("bundle");
    }

    public Path workspace() {
        return root.resolve("workspace");
    }

    public Path runDir() {
        return root.resolve("run");
    }

    public Path logs() {
        return root.resolve("logs");
    }

    public Path buildLog() {
        return logs().resolve("build.log");
    }

    public Path runLog() {
        return logs().resolve("run.log");
    }
}
