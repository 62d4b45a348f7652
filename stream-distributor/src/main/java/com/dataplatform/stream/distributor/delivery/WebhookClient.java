package com.dataplatform.stream.distributor.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dataplatform.common.events.CloudEventHeaders;
import com.dataplatform.common.security.OutboundUrlGuard;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.io.entity.ByteArrayEntity;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Delivers a batch as one JSON POST {@code {streamId, epoch, records: [{id, type, subject, time, topic, partition,
 * offset, key, data}]}} signed with {@code X-Signature-256: sha256=<hex HMAC-SHA256(secret, body)>}. The URL passes the
 * SSRF guard again before every POST (its DNS answer may have changed since the stream was created), and the POST's
 * connect goes only to addresses the guard approves at that moment ({@link
 * com.dataplatform.common.security.GuardedHttpClients}), so a DNS answer that flips between check and connect is
 * refused too.
 */
public class WebhookClient implements DestinationClient {

    public static final String SIGNATURE_HEADER = "X-Signature-256";
    public static final String STREAM_HEADER = "X-Stream-Id";
    public static final String EPOCH_HEADER = "X-Stream-Epoch";

    private final CloseableHttpClient http;
    private final OutboundUrlGuard guard;
    private final JsonMapper json;
    private final URI url;
    private final SecretKeySpec key;

    public WebhookClient(CloseableHttpClient http, OutboundUrlGuard guard, JsonMapper json, String url, String secret) {
        this.http = http;
        this.guard = guard;
        this.json = json;
        this.url = URI.create(url);
        this.key = new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256");
    }

    @Override
    public void deliver(UUID streamId, long epoch, List<ConsumerRecord<String, byte[]>> batch, Duration timeout)
            throws DeliveryException, InterruptedException {
        OutboundUrlGuard.Decision decision = guard.check(url);
        if (!decision.allowed()) {
            throw new DeliveryException("destination refused by the SSRF guard: " + decision.reason());
        }
        byte[] body = body(streamId, epoch, batch);
        HttpPost post = new HttpPost(url);
        post.setConfig(RequestConfig.custom().setRedirectsEnabled(false)
                .setConnectionRequestTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .setResponseTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).build());
        post.setHeader(STREAM_HEADER, streamId.toString());
        post.setHeader(EPOCH_HEADER, Long.toString(epoch));
        post.setHeader(SIGNATURE_HEADER, "sha256=" + sign(key, body));
        post.setEntity(new ByteArrayEntity(body, ContentType.APPLICATION_JSON));
        int status;
        try {
            status = http.execute(post, response -> {
                EntityUtils.consume(response.getEntity());
                return response.getCode();
            });
        } catch (IOException e) {
            throw new DeliveryException("POST failed: " + e, e);
        }
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        if (status / 100 != 2) {
            throw new DeliveryException("destination answered " + status);
        }
    }

    /**
     * A TCP connection to the webhook's host and port — to an address the SSRF guard approved for this very check,
     * so a DNS answer that changes between check and connect cannot redirect it. No HTTP request is sent.
     */
    @Override
    public void probe(Duration timeout) throws DeliveryException {
        OutboundUrlGuard.Decision decision = guard.check(url);
        if (!decision.allowed() || decision.addresses().isEmpty()) {
            throw new DeliveryException("destination refused by the SSRF guard: " + decision.reason());
        }
        int port = url.getPort() != -1 ? url.getPort() : "https".equalsIgnoreCase(url.getScheme()) ? 443 : 80;
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(decision.addresses().get(0), port),
                    (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeout.toMillis())));
        } catch (IOException e) {
            throw new DeliveryException("destination unreachable: " + e.getMessage(), e);
        }
    }

    byte[] body(UUID streamId, long epoch, List<ConsumerRecord<String, byte[]>> batch) {
        ObjectNode root = json.createObjectNode();
        root.put("streamId", streamId.toString());
        root.put("epoch", epoch);
        ArrayNode records = root.putArray("records");
        for (ConsumerRecord<String, byte[]> r : batch) {
            ObjectNode o = records.addObject();
            o.put("id", header(r, CloudEventHeaders.ID));
            o.put("type", header(r, CloudEventHeaders.TYPE));
            o.put("subject", header(r, CloudEventHeaders.SUBJECT));
            o.put("time", header(r, CloudEventHeaders.TIME));
            o.put("topic", r.topic());
            o.put("partition", r.partition());
            o.put("offset", r.offset());
            o.put("key", r.key());
            if (r.value() != null) {
                try {
                    o.set("data", json.readTree(r.value()));
                } catch (JacksonException e) {
                    o.put("data", new String(r.value(), UTF_8));
                }
            }
        }
        return json.writeValueAsBytes(root);
    }

    /** Hex HMAC-SHA256 of the body: what receivers recompute with the stream's secret. */
    public static String sign(SecretKeySpec key, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(body));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    public static String sign(String secret, byte[] body) {
        return sign(new SecretKeySpec(secret.getBytes(UTF_8), "HmacSHA256"), body);
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
    }
}
