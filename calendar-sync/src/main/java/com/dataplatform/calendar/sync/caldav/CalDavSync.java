package com.dataplatform.calendar.sync.caldav;

import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.ingest.Ingestion;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.system.SystemStore;
import com.dataplatform.common.security.GuardedHttpClients;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.common.web.ApiException;
import jakarta.annotation.PreDestroy;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Service;

/**
 * Pulls a CalDAV system: RFC 6578 sync-collection from the stored token (a full listing the first time, and again
 * when the server rejects the token), then calendar-multiget of every href whose etag differs from the one we hold
 * — so a full resync re-reads nothing unchanged and creates no duplicates. Deleted hrefs cancel their event. Copies
 * we wrote ourselves (the master copy, same href and etag) are recognised and skipped: echo suppression.
 * <p>
 * One sync of a system runs at a time across all nodes ({@link SyncLease}). A requested sync waits for a running one
 * (then pulls what changed since); the scheduled pull ({@code calendar.caldav.poll-interval}) skips a system that
 * is being synced and pulls every CalDAV system whose last attempt is older than the interval.
 */
@Service
public class CalDavSync {

    /** The outcome of one sync. */
    public record Report(boolean fullResync, String reason, int changed, int unchanged, int echoes, int deleted,
            List<EventStore.Stored> results) {
    }

    private static final Logger log = LoggerFactory.getLogger(CalDavSync.class);
    private static final int MULTIGET_BATCH = 100;

    private final SystemStore systems;
    private final Ingestion ingestion;
    private final JdbcClient jdbc;
    private final OutboundUrlGuard guard;
    private final SyncLease lease;
    private final CloseableHttpClient http;
    private final Duration pollInterval;
    private final Duration leaseTime;
    private final Duration waitTime;
    private final Counter syncErrors;

    CalDavSync(SystemStore systems, Ingestion ingestion, JdbcClient jdbc, OutboundUrlGuard guard, SyncLease lease,
            MeterRegistry meters,
            @Value("${calendar.caldav.poll-interval:5m}") Duration pollInterval,
            @Value("${calendar.caldav.sync-lease:2m}") Duration leaseTime,
            @Value("${calendar.caldav.sync-wait:60s}") Duration waitTime) {
        this.systems = systems;
        this.ingestion = ingestion;
        this.jdbc = jdbc;
        this.guard = guard;
        this.lease = lease;
        this.http = GuardedHttpClients.create(guard, Duration.ofSeconds(10), Duration.ofSeconds(30), 20);
        this.pollInterval = pollInterval;
        this.leaseTime = leaseTime;
        this.waitTime = waitTime;
        this.syncErrors = Counter.builder("calendar.sync.errors")
                .description("CalDAV pulls that failed (server unreachable or refused, bad answer)").register(meters);
    }

    @PreDestroy
    void close() throws IOException {
        http.close();
    }

    public CalDavClient client(CalendarSystem system) {
        if (system.type() != CalendarSystem.Type.CALDAV) {
            throw ApiException.unprocessable("type", "only caldav systems are pulled; " + system.type().wire()
                    + " events are pushed");
        }
        return new CalDavClient(http, guard, system.baseUrl(), system.username(), systems.password(system).orElse(null));
    }

    /** A requested sync: waits (up to {@code calendar.caldav.sync-wait}) for a sync running anywhere, then runs. */
    public Report sync(CalendarSystem system) {
        client(system); // a non-CalDAV system is refused before waiting
        long deadline = System.nanoTime() + waitTime.toNanos();
        while (true) {
            Optional<Report> report = trySync(system);
            if (report.isPresent()) {
                return report.get();
            }
            if (System.nanoTime() > deadline) {
                throw ApiException.conflict("id", "a sync of this system is still running (waited " + waitTime + ")");
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiException.conflict("id", "interrupted while waiting for a running sync");
            }
        }
    }

    /** Syncs the system if no sync of it runs anywhere; empty if one does. */
    public Optional<Report> trySync(CalendarSystem system) {
        CalDavClient client = client(system);
        Optional<String> owner = lease.tryAcquire(system.id(), leaseTime);
        if (owner.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(run(system, client, owner.get()));
        } catch (RuntimeException e) {
            syncErrors.increment();
            lease.fail(system.id(), owner.get(), String.valueOf(e.getMessage()));
            throw e;
        }
    }

    /** The scheduled pull: every CalDAV system not attempted within the interval and not being synced. */
    @Scheduled(initialDelayString = "${calendar.caldav.poll-interval:5m}",
            fixedDelayString = "${calendar.caldav.poll-interval:5m}")
    public void pollDue() {
        List<Map<String, Object>> due = jdbc.sql("""
                select id, org from calendar_system
                where type = 'caldav' and base_url is not null
                  and (last_sync_attempt_at is null or last_sync_attempt_at <= now() - make_interval(secs => ?))
                  and (sync_lease_until is null or sync_lease_until < now())
                order by last_sync_attempt_at nulls first""").param(pollInterval.toMillis() / 1000.0 * 0.9)
                .query().listOfRows();
        for (Map<String, Object> row : due) {
            Optional<CalendarSystem> system = systems.find((String) row.get("org"), (UUID) row.get("id"));
            try {
                system.ifPresent(this::trySync);
            } catch (RuntimeException e) {
                log.info("scheduled CalDAV pull of {} failed: {}", row.get("id"), e.toString());
            }
        }
    }

    private Report run(CalendarSystem system, CalDavClient client, String owner) {
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
        Map<String, String> known = new HashMap<>();
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
            Set<String> listed = new HashSet<>();
            changes.changed().forEach(r -> listed.add(r.href()));
            known.keySet().stream().filter(h -> !listed.contains(h)).forEach(deleted::add);
        }
        List<EventStore.Stored> results = new ArrayList<>();
        int echoes = 0;
        // every write transaction of this sync ends with the lease check: a sync whose lease ran out and was taken
        // over cannot commit anything after the takeover (no overlap with the next sync's writes)
        Runnable fence = () -> lease.fence(system.id(), owner);
        for (int i = 0; i < fetch.size(); i += MULTIGET_BATCH) {
            if (!lease.renew(system.id(), owner, leaseTime)) {
                throw new CalDavClient.CalDavException("sync lease of " + system.id() + " lost (ran longer than "
                        + leaseTime + "); the next sync continues from the stored token");
            }
            for (CalDavClient.Resource r : client.multiget(fetch.subList(i, Math.min(fetch.size(), i + MULTIGET_BATCH)))) {
                Ingestion.Fetched outcome = ingestion.ingestFetched(system, r.href(), r.etag(), r.body(), fence);
                if (outcome.echo()) {
                    echoes++;
                }
                results.addAll(outcome.results());
            }
        }
        for (String href : deleted) {
            ingestion.deleted(system, href, fence);
        }
        if (!lease.complete(system.id(), owner, changes.token())) {
            log.warn("sync lease of {} was lost before the sync token could be stored; the next sync re-reads",
                    system.id());
        }
        return new Report(full, reason, fetch.size() - echoes, unchanged, echoes, deleted.size(), results);
    }
}
