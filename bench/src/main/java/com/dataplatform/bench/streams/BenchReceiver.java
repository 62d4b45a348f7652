package com.dataplatform.bench.streams;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;

/** Loopback webhook receiver: remembers, per hook, when each epoch first arrived (monotonic nanos). */
final class BenchReceiver implements AutoCloseable {

    private final HttpServer server;
    private final ExecutorService threads = Executors.newFixedThreadPool(4);
    private final Map<String, Map<Long, Long>> firstArrival = new ConcurrentHashMap<>();

    BenchReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(threads);
        server.createContext("/hooks/", exchange -> {
            long now = System.nanoTime();
            String hook = exchange.getRequestURI().getPath().substring("/hooks/".length());
            try (InputStream in = exchange.getRequestBody()) {
                in.readAllBytes();
            }
            String epoch = exchange.getRequestHeaders().getFirst("X-Stream-Epoch");
            if (epoch != null) {
                firstArrival.computeIfAbsent(hook, h -> new ConcurrentHashMap<>())
                        .putIfAbsent(Long.parseLong(epoch), now);
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        server.start();
    }

    String url(String hook) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hooks/" + hook;
    }

    /** When a record with an epoch above {@code epoch} first arrived on the hook, or null. */
    Long firstAbove(String hook, long epoch) {
        return firstArrival.getOrDefault(hook, Map.of()).entrySet().stream().filter(e -> e.getKey() > epoch)
                .map(Map.Entry::getValue).min(Long::compare).orElse(null);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
