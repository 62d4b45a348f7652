package com.dataplatform.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A user of the suite over HTTP: one org, one dev token (from the stack's issuer), JSON in and out. */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private final Stack stack;
    private final String org;
    private final String token;

    public Api(Stack stack, String org, String... roles) {
        this.stack = stack;
        this.org = org;
        this.token = token(stack, org, roles);
    }

    public String org() {
        return org;
    }

    public String token() {
        return token;
    }

    public static String token(Stack stack, String org, String... roles) {
        String body = JSON.writeValueAsString(java.util.Map.of("org", org, "roles", List.of(roles), "ttlSeconds", 3600));
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(stack.issuer() + "/dev/tokens"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("dev token: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("token").asString();
    }

    /** Sends and requires {@code expected} status; returns the JSON body (an empty object when there is none). */
    public JsonNode call(String service, String method, String path, String contentType, String body, int expected) {
        HttpResponse<String> r = raw(service, method, path, contentType, body);
        if (r.statusCode() != expected) {
            throw new AssertionError(method + " " + service + path + " -> " + r.statusCode() + " (expected " + expected
                    + "): " + r.body());
        }
        return r.body().isBlank() ? JSON.createObjectNode() : JSON.readTree(r.body());
    }

    public JsonNode post(String service, String path, String json, int expected) {
        return call(service, "POST", path, "application/json", json, expected);
    }

    public JsonNode get(String service, String path) {
        return call(service, "GET", path, null, null, 200);
    }

    public HttpResponse<String> raw(String service, String method, String path, String contentType, String body) {
        return raw(service, method, path, contentType, body, null);
    }

    /** As {@link #raw}, sending {@code X-Request-Id} when it is not null. */
    public HttpResponse<String> raw(String service, String method, String path, String contentType, String body,
            String requestId) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.url(service) + path))
                .timeout(Duration.ofSeconds(60)).header("Authorization", "Bearer " + token)
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (requestId != null) {
            b.header("X-Request-Id", requestId);
        }
        return send(b.build());
    }

    public static HttpResponse<String> send(HttpRequest request) {
        try {
            return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A fresh org name for one test, so flows sharing the stack never see each other's data. */
    public static String freshOrg(String prefix) {
        return prefix + Long.toString(System.nanoTime() % 1_000_000_000L, 36);
    }
}
