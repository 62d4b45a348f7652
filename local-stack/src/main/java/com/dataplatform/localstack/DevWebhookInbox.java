package com.dataplatform.localstack;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * Local stack only: a webhook receiver to point streams at while trying the suite.
 * {@code POST /dev/webhooks/{inbox}} keeps the body and the delivery headers (the last 10,000 per inbox, in memory);
 * {@code GET /dev/webhooks/{inbox}} lists them, oldest first; {@code DELETE} empties the inbox.
 */
@RestController
class DevWebhookInbox {

    static final int CAPACITY = 10_000;

    record Delivery(long seq, Map<String, String> headers, String body) {
    }

    private final Map<String, Deque<Delivery>> inboxes = new ConcurrentHashMap<>();
    private final AtomicLong seq = new AtomicLong();

    @PostMapping("/dev/webhooks/{inbox}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void receive(@PathVariable String inbox, @RequestHeader HttpHeaders headers, @RequestBody(required = false) String body) {
        checkName(inbox);
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((name, values) -> {
            String n = name.toLowerCase(java.util.Locale.ROOT);
            if (n.startsWith("x-") || n.startsWith("ce-") || n.equals("content-type")) {
                kept.put(n, String.join(",", values));
            }
        });
        Deque<Delivery> q = inboxes.computeIfAbsent(inbox, k -> new ArrayDeque<>());
        synchronized (q) {
            q.addLast(new Delivery(seq.incrementAndGet(), kept, body == null ? "" : body));
            while (q.size() > CAPACITY) {
                q.removeFirst();
            }
        }
    }

    @GetMapping("/dev/webhooks/{inbox}")
    List<Delivery> list(@PathVariable String inbox) {
        checkName(inbox);
        Deque<Delivery> q = inboxes.get(inbox);
        if (q == null) {
            return List.of();
        }
        synchronized (q) {
            return new ArrayList<>(q);
        }
    }

    @DeleteMapping("/dev/webhooks/{inbox}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void clear(@PathVariable String inbox) {
        checkName(inbox);
        inboxes.remove(inbox);
    }

    private static void checkName(String inbox) {
        if (!inbox.matches("[a-z0-9][a-z0-9_-]{0,62}")) {
            throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "inbox names are [a-z0-9][a-z0-9_-]{0,62}");
        }
    }
}
