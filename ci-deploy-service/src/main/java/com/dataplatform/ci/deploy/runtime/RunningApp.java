package com.dataplatform.ci.deploy.runtime;

import java.time.Duration;
import java.time.Instant;

/** A started run. */
public interface RunningApp {

    long pid();

    Instant startedAt();

    boolean alive();

    /** Waits for the run to end or its timeout (then kills it). */
    Outcome await() throws InterruptedException;

    /** Asks the run to stop, waits up to {@code grace}, then kills it and everything it started. */
    void stop(Duration grace);

    /** How a run ended. */
    record Outcome(int exitCode, boolean timedOut, Duration took) {
        public boolean succeeded() {
            return !timedOut && exitCode == 0;
        }
    }
}
