package com.dataplatform.calendar.sync.caldav;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real Radicale CalDAV server per test JVM (Debian's /usr/bin/radicale), on a free loopback port with a temp
 * storage directory, auth none (any user/password) and owner-only rights. Stopped when the JVM exits.
 */
public final class Radicale {

    private static Radicale instance;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final Process process;

    private Radicale(int port, Process process) {
        this.port = port;
        this.process = process;
    }

    public static synchronized Radicale get() {
        if (instance == null) {
            instance = start();
        }
        return instance;
    }

    private static Radicale start() {
        Path binary = Path.of("/usr/bin/radicale");
        if (!Files.isExecutable(binary)) {
            throw new IllegalStateException("these tests need a real CalDAV server: install Debian's 'radicale' package "
                    + "(apt-get install -y radicale) so that /usr/bin/radicale exists");
        }
        try {
            Path dir = Files.createTempDirectory("radicale");
            int port;
            try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
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
            Process p = new ProcessBuilder(binary.toString(), "-C", config.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("radicale.log").toFile()).start();
            Runtime.getRuntime().addShutdownHook(new Thread(p::destroy));
            try {
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                        .until(() -> listening(port) || !p.isAlive());
            } catch (ConditionTimeoutException e) {
                throw new IllegalStateException("radicale did not start: " + Files.readString(dir.resolve("radicale.log")));
            }
            if (!p.isAlive()) {
                throw new IllegalStateException("radicale exited: " + Files.readString(dir.resolve("radicale.log")));
            }
            return new Radicale(port, p);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start radicale", e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Creates /user/name/ and returns its URL. */
    public String calendar(String user, String name) {
        String url = url("/" + user + "/" + name + "/");
        HttpResponse<String> r = send(user, "MKCALENDAR", url, null, null);
        if (r.statusCode() != 201) {
            throw new IllegalStateException("MKCALENDAR " + url + " -> " + r.statusCode() + " " + r.body());
        }
        return url;
    }

    /** Another client writing to the server directly. */
    public HttpResponse<String> send(String user, String method, String url, String body, String ifMatch) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).version(HttpClient.Version.HTTP_1_1).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + Base64.getEncoder()
                        .encodeToString((user + ":secret").getBytes(StandardCharsets.UTF_8)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "text/calendar; charset=utf-8");
        }
        if (ifMatch != null) {
            b.header("If-Match", ifMatch);
        }
        try {
            try {
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException closedByServer) { // HTTP/1.0 server: a pooled connection may be gone; retry once
                return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public boolean alive() {
        return process.isAlive();
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }
}
