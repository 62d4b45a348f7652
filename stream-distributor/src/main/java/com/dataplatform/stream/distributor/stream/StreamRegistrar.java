package com.dataplatform.stream.distributor.stream;

import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.common.web.ApiException;
import java.net.URI;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Validates and stores a new stream. Every refusal is a 4xx naming its field, raised before anything is stored. A new
 * stream starts at the source's current end: it delivers records produced after it was created.
 */
public class StreamRegistrar {

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,99}");
    private static final Pattern TOPIC = Pattern.compile("[a-z][a-z0-9-]*(\\.[a-z0-9][a-z0-9-]*)+");
    private static final int MIN_SECRET = 16;

    private final StreamStore store;
    private final OutboundUrlGuard guard;
    private final TopicAdmin topics;

    public StreamRegistrar(StreamStore store, OutboundUrlGuard guard, TopicAdmin topics) {
        this.store = store;
        this.guard = guard;
        this.topics = topics;
    }

    public Stream register(String org, StreamRequest request) {
        if (request == null) {
            throw ApiException.invalid("name", "a stream needs a name, a source and a destination");
        }
        String name = request.name();
        if (name == null || !NAME.matcher(name).matches()) {
            throw ApiException.invalid("name", "name must be 1-100 letters, digits, spaces, '_', '.' or '-'");
        }
        Source source = source(request.source());
        Destination destination = destination(org, request.destination());
        if (destination instanceof Destination.KafkaTopic k) {
            topics.ensure(k.topic(), 3);
        }
        String checkpoint = topics.endOffsets(source.topic()).entrySet().stream()
                .map(e -> "\"" + e.getKey() + "\":" + e.getValue())
                .collect(Collectors.joining(",", "{", "}"));
        return store.insert(org, name, source, destination, checkpoint)
                .orElseThrow(() -> ApiException.conflict("name", "your org already has a stream named '" + name + "'"));
    }

    private Source source(StreamRequest.SourceRequest source) {
        if (source == null || source.topic() == null || source.topic().isBlank()) {
            throw ApiException.invalid("source.topic", "source.topic is required");
        }
        String topic = source.topic();
        boolean known = TopicCatalog.byName(topic).isPresent();
        if (!known || !topics.exists(topic)) {
            throw ApiException.unprocessable("source.topic", "unknown topic '" + topic
                    + "': a source must be one of the suite's topics (see /asyncapi.json)");
        }
        String filter = source.filter();
        if (filter != null && !TYPE.matcher(filter).matches()) {
            throw ApiException.invalid("source.filter", "source.filter must be an event type (ce_type)");
        }
        return new Source(topic, filter);
    }

    private Destination destination(String org, StreamRequest.DestinationRequest d) {
        if (d == null || d.type() == null) {
            throw ApiException.invalid("destination.type", "destination.type must be 'webhook' or 'kafka'");
        }
        return switch (d.type()) {
            case "webhook" -> webhook(d);
            case "kafka" -> kafka(org, d);
            default -> throw ApiException.invalid("destination.type", "destination.type must be 'webhook' or 'kafka'");
        };
    }

    private Destination webhook(StreamRequest.DestinationRequest d) {
        String url = d.url();
        if (url == null || url.isBlank()) {
            throw ApiException.invalid("destination.url", "destination.url is required for a webhook");
        }
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw ApiException.invalid("destination.url", "destination.url is not a valid URL");
        }
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                || url.length() > 2000) {
            throw ApiException.invalid("destination.url", "destination.url must be an absolute http(s) URL");
        }
        OutboundUrlGuard.Decision decision = guard.check(uri);
        if (!decision.allowed()) {
            throw ApiException.unprocessable("destination.url", "destination.url is not allowed: " + decision.reason());
        }
        String secret = d.secret();
        if (secret == null || secret.length() < MIN_SECRET || secret.length() > 200) {
            throw ApiException.invalid("destination.secret",
                    "destination.secret must be " + MIN_SECRET + "-200 characters (it keys the HMAC signature)");
        }
        return new Destination.Webhook(url, secret);
    }

    private Destination kafka(String org, StreamRequest.DestinationRequest d) {
        String topic = d.topic();
        if (topic == null || topic.length() > 200 || !TOPIC.matcher(topic).matches()) {
            throw ApiException.invalid("destination.topic", "destination.topic must look like '<org>.<name>'");
        }
        if (!topic.startsWith(org + ".") || TopicCatalog.byName(topic).isPresent() || topic.endsWith(".dlt")) {
            throw ApiException.unprocessable("destination.topic",
                    "a Kafka destination must be your org's own topic, named '" + org + ".<name>'");
        }
        return new Destination.KafkaTopic(topic);
    }
}
