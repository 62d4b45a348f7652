package com.dataplatform.ci.deploy.runtime;

import java.io.IOException;
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
}
