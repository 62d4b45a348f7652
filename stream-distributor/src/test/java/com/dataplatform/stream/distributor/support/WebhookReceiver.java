package com.dataplatform.stream.distributor.support;

import com.dataplatform.stream.distributor.delivery.WebhookClient;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP webhook receiver on loopback (JDK HttpServer, port 0). Each hook path has its own secret; it verifies
 * the HMAC signature and records every record in arrival order. A hook can be told to fail.
 */
public final class WebhookReceiver implements AutoCloseable {

    /** One record as it arrived. */
    public record Received(long seq, String streamId, long epoch, String ceId, int partition, long offset) {
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final HttpServer server;
    private final Map<String, String> secrets = new ConcurrentHashMap<>();
    private final Map<String, List<Received>> byHook = new ConcurrentHashMap<>();
    private final Map<String, Integer> failWith = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.CountDownLatch> held = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();
    private final AtomicInteger badSignatures = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();

    public WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newFixedThreadPool(8));
        server.createContext("/hooks/", exchange -> {
            String hook = exchange.getRequestURI().getPath().substring("/hooks/".length());
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            requests.incrementAndGet();
            java.util.concurrent.CountDownLatch gate = held.get(hook);
            if (gate != null) { // answered once the test lets go (at most a minute later)
                try {
                    gate.await(1, java.util.concurrent.TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            int status = 204;
            String secret = secrets.get(hook);
            String signature = exchange.getRequestHeaders().getFirst(WebhookClient.SIGNATURE_HEADER);
            if (secret == null || !("sha256=" + WebhookClient.sign(secret, body)).equals(signature)) {
                badSignatures.incrementAndGet();
                status = 401;
            } else if (failWith.containsKey(hook)) {
                status = failWith.get(hook);
            } else {
                record(hook, body);
            }
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    private void record(String hook, byte[] body) {
        JsonNode root = JSON.readTree(body);
        String streamId = root.path("streamId").asString();
        long epoch = root.path("epoch").asLong();
        List<Received> list = byHook.computeIfAbsent(hook, h -> new ArrayList<>());
        synchronized (list) {
            for (JsonNode r : root.path("records")) {
                list.add(new Received(seq.incrementAndGet(), streamId, epoch, r.path("id").asString(),
                        r.path("partition").asInt(), r.path("offset").asLong()));
            }
        }
    }

    /** Registers a hook and returns its URL. */
    public String hook(String name, String secret) {
        secrets.put(name, secret);
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + name;
    }

    public void failWith(String hook, int status) {
        failWith.put(hook, status);
    }

    public void heal(String hook) {
        failWith.remove(hook);
        java.util.concurrent.CountDownLatch gate = held.remove(hook);
        if (gate != null) {
            gate.countDown();
        }
    }

    /** The hook holds every request without answering until {@link #heal} lets go. */
    public void hold(String hook) {
        held.put(hook, new java.util.concurrent.CountDownLatch(1));
    }

    public List<Received> received(String hook) {
        List<Received> list = byHook.getOrDefault(hook, List.of());
        synchronized (list) {
            return List.copyOf(list);
        }
    }

    public int badSignatures() {
        return badSignatures.get();
    }

    public int requests() {
        return requests.get();
    }

    @Override
    public void close() {
        held.values().forEach(java.util.concurrent.CountDownLatch::countDown);
        server.stop(0);
    }
}
