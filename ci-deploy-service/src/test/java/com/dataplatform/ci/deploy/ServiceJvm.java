package com.dataplatform.ci.deploy;

import com.dataplatform.testsupport.ServiceProcess;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * ci-deploy-service as a child JVM ({@link ServiceProcess}) with this work dir, a short outbox interval and drain
 * timeout; {@link #kill()} is SIGKILL.
 */
public final class ServiceJvm implements AutoCloseable {

    private final ServiceProcess process;

    private ServiceJvm(ServiceProcess process) {
        this.process = process;
    }

    /**
     * Starts the service on a free port with this work dir and any further {@code key=value} properties, and waits
     * until it answers an authenticated request (a 404 problem for an unknown app: security, MVC and the database
     * answered).
     */
    public static ServiceJvm start(Path workDir, Path log, Duration timeout, String... properties) throws Exception {
        List<String> all = new ArrayList<>(List.of("ci-deploy.work-dir=" + workDir.toAbsolutePath(),
                "ci-deploy.outbox-interval=100ms", "ci-deploy.drain-timeout=2s"));
        all.addAll(List.of(properties));
        return new ServiceJvm(ServiceProcess.start(CiDeployApplication.class, log, timeout,
                "/api/apps/readiness-probe", 404, all.toArray(String[]::new)));
    }

    public int port() {
        return process.port();
    }

    public long pid() {
        return process.pid();
    }

    /** SIGKILL, and wait until the JVM is gone. */
    public void kill() throws InterruptedException {
        process.kill();
    }

    /** The end of the service's log, for assertion messages. */
    public String logTail() {
        return process.logTail();
    }

    /** SIGTERM (a graceful stop), then SIGKILL after 20 s. */
    @Override
    public void close() throws InterruptedException {
        process.close();
    }
}
