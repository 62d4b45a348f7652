package com.dataplatform.calendar.sync.caldav;

import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.ingest.Ingestion;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.web.ApiException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Pulls a CalDAV system: RFC 6578 sync-collection from the stored token (a full listing the first time, and again
 * when the server rejects the token), then calendar-multiget of every href whose etag differs from the one we hold
 * — so a full resync re-reads nothing unchanged and creates no duplicates. Deleted hrefs cancel their event. Copies
 * we wrote ourselves (the master copy, same href and etag) are recognised and skipped: echo suppression.
 */
@Service
public class CalDavSync {

    /** The outcome of one sync. */
    public record Report(boolean fullResync, String reason, int changed, int unchanged, int echoes, int deleted,
            List<EventStore.Stored> results) {
    }

    private static final int MULTIGET_BATCH = 100;

    private final SystemStore systems;
    private final Ingestion ingestion;
    private final EventStore events;
    private final JdbcClient jdbc;
    private final OutboundUrlGuard guard;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final Map<java.util.UUID, ReentrantLock> running = new ConcurrentHashMap<>();

    CalDavSync(SystemStore systems, Ingestion ingestion, EventStore events, JdbcClient jdbc, OutboundUrlGuard guard) {
        this.systems = systems;
        this.ingestion = ingestion;
        this.events = events;
        this.jdbc = jdbc;
        this.guard = guard;
    }

    public CalDavClient client(CalendarSystem system) {
        if (system.type() != CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("type", "only caldav systems are pulled; " + system.type().wire()
                    + " events are pushed");
        }
        return new CalDavClient(http, guard, system.baseUrl(), system.username(), systems.password(system).orElse(null));
    }

    public Report sync(CalendarSystem system) {
        CalDavClient client = client(system);
        ReentrantLock lock = running.computeIfAbsent(system.id(), id -> new ReentrantLock());
        lock.lock(); // one sync per system at a time on this node
        try {
            String token = jdbc.sql("select sync_token from calendar_system where id = ?").param(system.id())
                    .query(String.class).optional().orElse(null);
            boolean full = token == null;
            String reason = full ? "first sync" : null;
            CalDavClient.Changes changes;
            try {
                changes = client.sync(token);
            } catch (CalDavClient.SyncTokenRejected e) {
                full = true;
                reason = e.getMessage() + ": full resync";
                changes = client.sync(null);
            }
            Map<String, String> known = new java.util.HashMap<>();
            jdbc.sql("select href, etag from caldav_resource where system_id = ?").param(system.id())
                    .query((rs, n) -> known.put(rs.getString(1), rs.getString(2))).list();
            List<String> fetch = new ArrayList<>();
            int unchanged = 0;
            for (CalDavClient.Resource r : changes.changed()) {
                if (r.etag() != null && Objects.equals(known.get(r.href()), r.etag())) {
                    unchanged++;
                } else {
                    fetch.add(r.href());
                }
            }
            List<String> deleted = new ArrayList<>(changes.deleted());
            if (full) { // a full listing omits deleted resources instead of reporting them
                java.util.Set<String> listed = new java.util.HashSet<>();
                changes.changed().forEach(r -> listed.add(r.href()));
                known.keySet().stream().filter(h -> !listed.contains(h)).forEach(deleted::add);
            }
            List<EventStore.Stored> results = new ArrayList<>();
            int echoes = 0;
            for (int i = 0; i < fetch.size(); i += MULTIGET_BATCH) {
                for (CalDavClient.Resource r : client.multiget(fetch.subList(i, Math.min(fetch.size(), i + MULTIGET_BATCH)))) {
                    Ingestion.Fetched outcome = ingestion.ingestFetched(system, r.href(), r.etag(), r.body());
                    if (outcome.echo()) {
                        echoes++;
                    }
                    results.addAll(outcome.results());
                }
            }
            for (String href : deleted) {
                ingestion.deleted(system, href);
            }
            jdbc.sql("update calendar_system set sync_token = ? where id = ?").params(changes.token(), system.id()).update();
            return new Report(full, reason, fetch.size() - echoes, unchanged, echoes, deleted.size(), results);
        } finally {
            lock.unlock();
        }
    }
}
