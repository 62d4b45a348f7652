package com.dataplatform.e2e;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import tools.jackson.databind.JsonNode;

/**
 * A webhook receiver on loopback, as a customer would run one: it verifies each delivery's HMAC signature
 * ({@code X-Signature-256: sha256=<hex>}) and keeps the records of the deliveries it accepted, in arrival order.
 */
final class WebhookReceiver implements AutoCloseable {

    private final HttpServer server;
    private final String secret;
    private final List<JsonNode> records = new ArrayList<>();
    private int badSignatures;
    private int deliveries;

    WebhookReceiver(String secret) throws IOException {
        this.secret = secret;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            String signature = exchange.getRequestHeaders().getFirst("X-Signature-256");
            boolean valid = ("sha256=" + sign(body)).equals(signature);
            synchronized (this) {
                if (valid) {
                    deliveries++;
                    Api.JSON.readTree(body).path("records").forEach(records::add);
                } else {
                    badSignatures++;
                }
            }
            exchange.sendResponseHeaders(valid ? 204 : 401, -1);
            exchange.close();
        });
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    synchronized List<JsonNode> records() {
        return List.copyOf(records);
    }

    synchronized int badSignatures() {
        return badSignatures;
    }

    synchronized int deliveries() {
        return deliveries;
    }

    private String sign(byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
