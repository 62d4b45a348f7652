package com.dataplatform.calendar.sync;

import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** The service's HTTP API as a client sees it, with an org's bearer token. */
public record Api(int port, String org) {

    /** The properties every integration test runs with (one Spring context for all of them). */
    public static final String ALLOW_LOOPBACK = "suite.outbound.allowlist=127.0.0.0/8";
    public static final String CREDENTIALS_KEY = "calendar.credentials-key=MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=";

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    public static final JsonMapper JSON = JsonMapper.builder().build();

    public HttpResponse<String> send(String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", TestJwts.bearer(org, "admin"))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public JsonNode ok(String method, String path, String contentType, String body, int status) {
        HttpResponse<String> r = send(method, path, contentType, body);
        if (r.statusCode() != status) {
            throw new AssertionError(method + " " + path + " -> " + r.statusCode() + " (wanted " + status + "): " + r.body());
        }
        return r.body().isEmpty() ? null : JSON.readTree(r.body());
    }

    public String createSystem(String json) {
        return ok("POST", "/api/systems", "application/json", json, 201).path("id").asString();
    }

    public JsonNode sync(String systemId) {
        return ok("POST", "/api/systems/" + systemId + "/sync", null, null, 200);
    }
}
