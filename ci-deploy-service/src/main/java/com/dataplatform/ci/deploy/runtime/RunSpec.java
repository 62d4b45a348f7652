package com.dataplatform.ci.deploy.runtime;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * One run of an app version.
 *
 * @param name      a label, {@code <app>-v<N>}
 * @param workspace the immutable artifact; the command runs here
 * @param runDir    the version's own writable directory (HOME, TMPDIR)
 * @param logFile   stdout and stderr of this run, appended
 * @param command   run by {@code sh -c}
 * @param env       the channels the app is given (DB_URL, DB_USER, ...); nothing else of the service's environment
 * @param memoryMb  memory limit
 * @param timeout   wall-clock limit of the run
 */
public record RunSpec(String name, Path workspace, Path runDir, Path logFile, String command, Map<String, String> env,
        int memoryMb, java.time.Duration timeout) {

    public RunSpec {
        env = Map.copyOf(env);
    }

    public Duration timeoutOrDefault() {
        return timeout == null ? Duration.ofMinutes(2) : timeout;
    }
}
