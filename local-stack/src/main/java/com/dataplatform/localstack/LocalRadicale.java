package com.dataplatform.localstack;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A dev CalDAV server for calendar-sync's master system: Debian's {@code radicale} on a loopback port, collections
 * under {@code <data-dir>/radicale}, auth none (any user name and password) and owner-only rights (a user sees only
 * {@code /<user>/...}). Not started when the binary is missing: the rest of the stack does not need it.
 */
public final class LocalRadicale implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalRadicale.class);
    static final Path BINARY = Path.of("/usr/bin/radicale");

    private final Process process;
    private final int port;

    private LocalRadicale(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** The running server, or one that is not running (logged) when radicale is not installed or the port is 0. */
    static LocalRadicale startIfInstalled(Path dir, int port) throws IOException {
        if (port <= 0) {
            return new LocalRadicale(null, 0);
        }
        if (!Files.isExecutable(BINARY)) {
            log.warn("radicale is not installed (apt-get install -y radicale): no dev CalDAV server on port {}", port);
            return new LocalRadicale(null, 0);
        }
        Files.createDirectories(dir);
        Path config = dir.resolve("config");
        Files.writeString(config, """
                [server]
                hosts = 127.0.0.1:%d
                [auth]
                type = none
                [storage]
                filesystem_folder = %s
                [rights]
                type = owner_only
                [logging]
                level = warning
                """.formatted(port, dir.resolve("collections")));
        Process p = new ProcessBuilder(BINARY.toString(), "-C", config.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("radicale.log").toFile())).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!listening(port)) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                p.destroyForcibly();
                throw new IllegalStateException("radicale did not start on port " + port + "; see "
                        + dir.resolve("radicale.log"));
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                p.destroyForcibly();
                throw new IllegalStateException("interrupted while starting radicale", e);
            }
        }
        log.info("dev CalDAV server (radicale) on http://127.0.0.1:{}/", port);
        return new LocalRadicale(p, port);
    }

    /** The port it listens on, or 0 when it is not running. */
    public int port() {
        return port;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }
}
