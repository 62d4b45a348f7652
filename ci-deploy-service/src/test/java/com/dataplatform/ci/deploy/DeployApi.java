package com.dataplatform.ci.deploy;

import com.dataplatform.testsupport.TestJwts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.UUID;
import org.awaitility.Awaitility;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small HTTP client of the service speaking as one org. */
public final class DeployApi {

    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private final int port;
    private final String org;
    private final String[] roles;
    private final String requestId;

    /** Speaks as an admin of {@code org}. */
    public DeployApi(int port, String org) {
        this(port, org, new String[] {"admin"});
    }

    /** Speaks as a member of {@code org} with exactly these roles (none: a plain member). */
    public DeployApi(int port, String org, String... roles) {
        this(port, org, null, roles);
    }

    private DeployApi(int port, String org, String requestId, String... roles) {
        this.port = port;
        this.org = org;
        this.roles = roles.clone();
        this.requestId = requestId;
    }

    /** The same caller, sending {@code X-Request-Id: id} with every request. */
    public DeployApi withRequestId(String id) {
        return new DeployApi(port, org, id, roles);
    }

    public static String newOrg() {
        return "t" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String newApp(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().replace("-", "").substring(0, 8);
    }

    public record Response(int status, String body, String contentType) {
        public JsonNode json() {
            return JSON.readTree(body);
        }
    }

    public Response createApp(String name) throws Exception {
        return send(request("/api/apps").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + name + "\",\"description\":\"test\"}")));
    }

    public Response upload(String app, byte[] bundle, String filename) throws Exception {
        String boundary = "----b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"" + filename
                + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(bundle);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(request("/api/apps/" + app + "/versions")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
    }

    public Response get(String path) throws Exception {
        return send(request(path).GET());
    }

    public Response post(String path) throws Exception {
        return send(request(path).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public JsonNode version(String app, int version) throws Exception {
        return get("/api/apps/" + app + "/versions/" + version).json();
    }

    /** Waits until the version reaches {@code status} (fails fast if it ends in another final state). */
    public JsonNode awaitStatus(String app, int version, String status) {
        JsonNode[] last = new JsonNode[1];
        Awaitility.await(app + " v" + version + " " + status).atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200)).until(() -> {
                    last[0] = version(app, version);
                    String s = last[0].get("status").asString();
                    if (!s.equals(status) && (s.equals("FAILED") || s.equals("LIVE") || s.equals("RETIRED"))) {
                        throw new AssertionError(app + " v" + version + " ended " + s + ", expected " + status
                                + ": " + last[0]);
                    }
                    return s.equals(status);
                });
        return last[0];
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:" + port + path))
                .header("Authorization", "Bearer " + TestJwts.token(org, roles)).timeout(Duration.ofSeconds(60));
        return requestId == null ? b : b.header("X-Request-Id", requestId);
    }

    private static Response send(HttpRequest.Builder request) throws Exception {
        HttpResponse<String> r = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Response(r.statusCode(), r.body(), r.headers().firstValue("Content-Type").orElse(""));
    }
}
