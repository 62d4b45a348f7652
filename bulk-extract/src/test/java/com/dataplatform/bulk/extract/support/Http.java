package com.dataplatform.bulk.extract.support;

import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Minimal JSON-over-HTTP client for tests, authenticated as an org. */
public final class Http {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    public record Response(int status, JsonNode body, String contentType) {
    }

    private final String base;

    public Http(int port) {
        this.base = "http://localhost:" + port;
    }

    public Response post(String org, String path, String json) {
        return send(org, HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    /** POST with an {@code X-Request-Id} of the caller's choice. */
    public Response post(String org, String path, String json, String requestId) {
        return send(org, HttpRequest.newBuilder(URI.create(base + path)).header("X-Request-Id", requestId)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)));
    }

    public Response get(String org, String path) {
        return send(org, HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    private static Response send(String org, HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = CLIENT.send(b.header("Authorization", TestJwts.bearer(org, "admin"))
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), body, r.headers().firstValue("Content-Type").orElse(""));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
