package com.dataplatform.calendar.sync.occurrences;

import com.dataplatform.calendar.sync.convert.Cleanser;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.json.JsonMapper;

/**
 * Occurrences in a window: every unified event of the org expanded ({@link Expansion}), or one event's. The window
 * is bounded ({@code calendar.expansion.max-window}, 400 beyond it) and so is the answer
 * ({@code calendar.expansion.max-occurrences}; {@code truncated: true} when more exist).
 */
@RestController
class OccurrencesController {

    private final JdbcClient jdbc;
    private final JsonMapper json;
    private final Duration maxWindow;
    private final int maxOccurrences;

    OccurrencesController(JdbcClient jdbc, JsonMapper json,
            @Value("${calendar.expansion.max-window:3700d}") Duration maxWindow,
            @Value("${calendar.expansion.max-occurrences:5000}") int maxOccurrences) {
        this.jdbc = jdbc;
        this.json = json;
        this.maxWindow = maxWindow;
        this.maxOccurrences = maxOccurrences;
    }

    private record Window(Instant from, Instant to) {
    }

    private Window window(String from, String to) {
        Instant f = instant("from", from);
        Instant t = instant("to", to);
        if (!t.isAfter(f)) {
            throw ApiException.invalid("to", "must be after from");
        }
        if (Duration.between(f, t).compareTo(maxWindow) > 0) {
            throw ApiException.invalid("to", "window of " + Duration.between(f, t).toDays() + " days is larger than "
                    + maxWindow.toDays() + " days (calendar.expansion.max-window)");
        }
        return new Window(f, t);
    }

    private static Instant instant(String field, String value) {
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException | NullPointerException e) {
            throw ApiException.invalid(field, "must be an ISO-8601 instant such as 2026-03-01T00:00:00Z");
        }
    }

    @GetMapping("/api/events")
    Map<String, Object> events(@RequestParam(required = false) String from, @RequestParam(required = false) String to,
            SuitePrincipal principal) {
        Window w = window(from, to);
        List<Stored> events = jdbc.sql("""
                select id, data::text as data from unified_event
                where org = ? and start_at < ? and (recurring or start_at >= ?)
                  and coalesce(data->>'status', '') <> 'CANCELLED'
                order by start_at, id""")
                .params(principal.org(), Timestamp.from(w.to()), Timestamp.from(w.from().minus(Cleanser.MAX_DURATION)))
                .query((rs, n) -> new Stored(rs.getObject("id", UUID.class),
                        json.readValue(rs.getString("data"), UnifiedEvent.class))).list();
        Listing listing = firstOccurrences(events, w.from(), w.to(), maxOccurrences);
        List<Map<String, Object>> out = listing.occurrences();
        boolean truncated = listing.truncated();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", w.from());
        body.put("to", w.to());
        body.put("truncated", truncated);
        body.put("occurrences", out);
        return body;
    }

    record Stored(UUID id, UnifiedEvent event) {
    }

    record Listing(List<Map<String, Object>> occurrences, boolean truncated) {
    }

    private record Hit(Stored stored, Expansion.Occurrence occurrence) {
    }

    /**
     * The first {@code cap} occurrences of all events in the window, in time order (ties by event id). Every event is
     * expanded (each capped at {@code cap}) and only the earliest {@code cap + 1} are kept in a bounded heap, because
     * events come ordered by their first start: a series that began years ago can fill the cap with late dates while
     * an event listed after it has an earlier occurrence.
     */
    static Listing firstOccurrences(List<Stored> events, Instant from, Instant to, int cap) {
        Comparator<Hit> order = Comparator.comparing((Hit h) -> h.occurrence().start())
                .thenComparing(h -> h.stored().id());
        java.util.PriorityQueue<Hit> earliest = new java.util.PriorityQueue<>(order.reversed());
        boolean truncated = false;
        for (Stored s : events) {
            Expansion.Expanded x = Expansion.expand(s.event(), from, to, cap);
            truncated |= x.truncated();
            for (Expansion.Occurrence o : x.occurrences()) {
                earliest.add(new Hit(s, o));
                if (earliest.size() > cap) {
                    earliest.poll(); // the latest of cap + 1
                    truncated = true;
                }
            }
        }
        List<Hit> hits = new ArrayList<>(earliest);
        hits.sort(order);
        List<Map<String, Object>> out = new ArrayList<>(hits.size());
        for (Hit h : hits) {
            UnifiedEvent e = h.stored().event();
            Expansion.Occurrence o = h.occurrence();
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("eventId", h.stored().id());
            m.put("iCalUID", e.uid());
            m.put("title", e.title());
            m.put("start", o.start());
            m.put("end", o.end());
            m.put("allDay", o.allDay());
            m.put("recurrenceId", o.recurrenceId());
            out.add(m);
        }
        return new Listing(out, truncated);
    }

    @GetMapping("/api/events/{id}/occurrences")
    Map<String, Object> occurrences(@PathVariable UUID id, @RequestParam(required = false) String from,
            @RequestParam(required = false) String to, SuitePrincipal principal) {
        Window w = window(from, to);
        UnifiedEvent e = jdbc.sql("select data::text from unified_event where org = ? and id = ?")
                .params(principal.org(), id).query(String.class).optional()
                .map(d -> json.readValue(d, UnifiedEvent.class))
                .orElseThrow(() -> ApiException.notFound("event", id));
        Expansion.Expanded x = Expansion.expand(e, w.from(), w.to(), maxOccurrences);
        return Map.of("occurrences", x.occurrences().stream().map(o -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("start", o.start());
            m.put("end", o.end());
            m.put("recurrenceId", o.recurrenceId());
            return m;
        }).toList(), "truncated", x.truncated());
    }
}
