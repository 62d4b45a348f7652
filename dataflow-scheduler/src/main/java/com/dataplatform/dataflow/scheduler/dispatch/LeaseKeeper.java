package com.dataplatform.dataflow.scheduler.dispatch;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Leases on the database clock: workers renew theirs (fenced by token); runs whose lease ran out are FAILED and
 * their locks released, by whichever instance sees them first ({@code SKIP LOCKED}; the finish is conditional).
 */
public class LeaseKeeper {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final RunFinisher finisher;
    private final Duration lease;

    public LeaseKeeper(JdbcClient jdbc, TransactionTemplate tx, RunFinisher finisher, Duration lease) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.finisher = finisher;
        this.lease = lease;
    }

    /** Renews the leases still valid; returns the ids whose lease is lost (expired, cancelled or finished). */
    public Set<UUID> renew(Collection<ClaimedRun> runs) {
        if (runs.isEmpty()) {
            return Set.of();
        }
        String[] ids = runs.stream().map(r -> r.id().toString()).toArray(String[]::new);
        Long[] tokens = runs.stream().map(ClaimedRun::fencingToken).toArray(Long[]::new);
        List<UUID> renewed = jdbc.sql("""
                update run set lease_until = clock_timestamp() + cast(:lease as interval)
                from unnest(cast(:ids as uuid[]), cast(:tokens as bigint[])) as h(id, token)
                where run.id = h.id and run.fencing_token = h.token and run.status = 'RUNNING'
                  and run.lease_until > clock_timestamp()
                returning run.id""")
                .param("lease", lease.toMillis() + " milliseconds").param("ids", ids).param("tokens", tokens)
                .query(UUID.class).list();
        Set<UUID> lost = new HashSet<>();
        runs.forEach(r -> lost.add(r.id()));
        renewed.forEach(lost::remove);
        return lost;
    }

    /**
     * Fails runs whose lease expired; returns how many this call failed. Each in a transaction of its own: a run's
     * finish share-locks its dataflow's row (R__finish_run.sql) until commit, and holding several such rows in lease
     * order while an enqueue locks several dataflows in id order could deadlock the two.
     */
    public int expire(int limit) {
        List<UUID> expired = jdbc.sql("""
                select r.id from run_active a join run r on r.id = a.run_id
                where r.status = 'RUNNING' and r.lease_until < clock_timestamp()
                order by r.lease_until limit :limit""")
                .param("limit", limit).query(UUID.class).list();
        int count = 0;
        for (UUID id : expired) {
            Boolean failed = tx.execute(s -> jdbc.sql("""
                    select id from run where id = :id and status = 'RUNNING' and lease_until < clock_timestamp()
                    for no key update skip locked""").param("id", id).query(UUID.class).optional().isPresent()
                    && finisher.finish(id, null, RunStatus.FAILED, "lease expired: the worker stopped heartbeating"));
            if (Boolean.TRUE.equals(failed)) {
                count++;
            }
        }
        return count;
    }
}
