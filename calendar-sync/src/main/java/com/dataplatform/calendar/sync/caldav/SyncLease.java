package com.dataplatform.calendar.sync.caldav;

import java.time.Duration;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * The cluster-wide lock for one system's sync: a lease on the system row (random owner token, expiry in database
 * time, so node clocks do not matter). Taken by a conditional update that succeeds only when nobody holds an
 * unexpired lease; renewed while the sync runs; released by its owner only. A node that dies holding it blocks
 * the system for at most the lease time.
 */
@Component
class SyncLease {

    private final JdbcClient jdbc;

    SyncLease(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The owner token if the lease was free (or expired) and is now ours. */
    Optional<String> tryAcquire(UUID system, Duration ttl) {
        String token = UUID.randomUUID().toString();
        int taken = jdbc.sql("""
                update calendar_system set sync_owner = ?, sync_lease_until = now() + make_interval(secs => ?),
                       last_sync_attempt_at = now()
                where id = ? and (sync_lease_until is null or sync_lease_until < now())""")
                .params(token, seconds(ttl), system).update();
        return taken == 1 ? Optional.of(token) : Optional.empty();
    }

    /** Extends our lease; false if it ran out and someone else holds it now. */
    boolean renew(UUID system, String token, Duration ttl) {
        return jdbc.sql("""
                update calendar_system set sync_lease_until = now() + make_interval(secs => ?)
                where id = ? and sync_owner = ?""").params(seconds(ttl), system, token).update() == 1;
    }

    /**
     * The fence of one write transaction of a sync, run as its last statement: passes only while the lease is still
     * ours and unexpired on the database clock, and then keeps the system row share-locked until that transaction
     * ends — so a takeover (an update of the row) waits for the commit, and once it is through, every later
     * transaction of the old holder fails here and rolls back. Throws otherwise (the sync fails and stores no token).
     */
    void fence(UUID system, String token) {
        boolean held = jdbc.sql("""
                select id from calendar_system
                where id = ? and sync_owner = ? and sync_lease_until > clock_timestamp() for share""")
                .params(system, token).query(UUID.class).optional().isPresent();
        if (!held) {
            throw new CalDavClient.CalDavException("sync lease of " + system + " is no longer held (expired or taken"
                    + " over); this batch is rolled back and the next sync continues from the stored token");
        }
    }

    /** Stores the new sync token and releases the lease, only while we still own it; false otherwise. */
    boolean complete(UUID system, String token, String syncToken) {
        return jdbc.sql("""
                update calendar_system set sync_token = ?, last_sync_at = now(), last_sync_error = null,
                       sync_owner = null, sync_lease_until = null
                where id = ? and sync_owner = ?""").params(syncToken, system, token).update() == 1;
    }

    /** Releases the lease after a failed sync, recording why. */
    void fail(UUID system, String token, String error) {
        jdbc.sql("""
                update calendar_system set last_sync_error = ?, sync_owner = null, sync_lease_until = null
                where id = ? and sync_owner = ?""").params(error, system, token).update();
    }

    private static double seconds(Duration d) {
        return d.toMillis() / 1000.0;
    }
}
