package com.dataplatform.ci.deploy.runtime;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;

/**
 * Runs one app version in its own container. {@code process} (a separate OS process, the default) is real here;
 * {@code docker} runs the same spec in a container where an engine exists; kubernetes is a written design (README).
 */
public interface AppRuntime {

    /** The name used in configuration and recorded on each version. */
    String kind();

    /** Starts one run of the app; the returned handle enforces the spec's timeout in {@link RunningApp#await()}. */
    RunningApp start(RunSpec spec) throws IOException;

    /**
     * Kills what a previous instance of this service left running for a version, identified by the pid and start
     * time it recorded (so a recycled pid is never killed). Returns true if something was still alive.
     */
    boolean killOrphan(long pid, Instant startedAt);

    /**
     * Kills everything a run or build of the version with this workspace left running, found by the marker every
     * run carries ({@link #WORKSPACE_MARKER}), not by a recorded pid: it also finds a process started just before
     * the service died, whose pid was never recorded, and children that left the run's process tree. Returns how
     * many were found alive.
     */
    int killLeftovers(Path workspace);

    /** Environment variable (process) or label (docker) naming the workspace a run belongs to. */
    String WORKSPACE_MARKER = "CI_DEPLOY_WORKSPACE";
}
