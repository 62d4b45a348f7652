package com.dataplatform.stream.distributor.stream;

import java.util.LinkedHashMap;
import java.util.Map;

/** JSON shape of a stream: {@code {id, org, name, status, owner, epoch, lag, lastDeliveredAt, source, destination}}. */
final class StreamView {

    private StreamView() {
    }

    static Map<String, Object> of(Stream s) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", s.id());
        m.put("org", s.org());
        m.put("name", s.name());
        m.put("status", s.status());
        m.put("owner", s.owner());
        m.put("epoch", s.epoch());
        m.put("lag", s.lag());
        m.put("lastDeliveredAt", s.lastDeliveredAt());
        Map<String, Object> source = new LinkedHashMap<>();
        source.put("topic", s.source().topic());
        source.put("filter", s.source().typeFilter());
        m.put("source", source);
        Map<String, Object> destination = new LinkedHashMap<>();
        destination.put("type", s.destination().type());
        if (s.destination() instanceof Destination.Webhook w) {
            destination.put("url", w.url());
        } else if (s.destination() instanceof Destination.KafkaTopic k) {
            destination.put("topic", k.topic());
        }
        m.put("destination", destination);
        m.put("createdAt", s.createdAt());
        return m;
    }
}
