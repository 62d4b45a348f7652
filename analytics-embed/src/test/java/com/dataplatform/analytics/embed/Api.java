package com.dataplatform.analytics.embed;

import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A tiny HTTP client for the service under test. */
public final class Api {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;

    public Api(int port) {
        this.port = port;
    }

    public String base() {
        return "http://localhost:" + port;
    }

    public HttpResponse<String> send(String method, String path, String org, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path));
        if (org != null) {
            b.header("Authorization", TestJwts.bearer(org, "editor"));
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            String text = body instanceof String s ? s : JSON.writeValueAsString(body);
            b.method(method, HttpRequest.BodyPublishers.ofString(text));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<String> get(String path, String org) {
        return send("GET", path, org, null);
    }

    /** A GET with an explicit Authorization header value (or none). */
    public HttpResponse<String> getWith(String path, String authorization) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public static JsonNode json(HttpResponse<String> r) {
        return JSON.readTree(r.body());
    }
}
