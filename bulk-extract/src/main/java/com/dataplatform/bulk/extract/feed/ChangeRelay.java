package com.dataplatform.bulk.extract.feed;

import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves captured changes from {@code change_staging} into {@code change_feed}, numbering them with the feed's
 * commit-ordered version. Relays are serialized by {@code LOCK TABLE relay_state}, taken before the transaction's
 * snapshot, so each relay sees everything the previous one moved; it moves every staged change its snapshot can
 * see (i.e. every change committed before it) in capture order. See the README for why this is commit-ordered.
 */
@Component
public class ChangeRelay {

    private static final Logger log = LoggerFactory.getLogger(ChangeRelay.class);

    static final String LOCK = "lock table relay_state in exclusive mode";
    static final String MOVE = """
            with moved as (delete from change_staging returning *),
            ins as (
                insert into change_feed (version, entity, record_id, org, user_id, old_user_id, op, data, captured_at)
                select (select head from relay_state) + row_number() over (order by seq),
                       entity, record_id, org, user_id, old_user_id, op, data, captured_at
                from moved
                returning 1)
            update relay_state set head = head + (select count(*) from ins) returning head""";

    private final JdbcClient jdbc;
    private final TransactionTemplate repeatableRead;
    private volatile Instant lastSuccess = Instant.now();
    private final Object moved = new Object();
    private long moves;

    public ChangeRelay(JdbcClient jdbc, PlatformTransactionManager txm) {
        this.jdbc = jdbc;
        this.repeatableRead = new TransactionTemplate(txm);
        this.repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** Relays everything committed so far and returns the feed head: every change committed before is ≤ it. */
    public long flush() {
        Long head = repeatableRead.execute(s -> {
            jdbc.sql(LOCK).update();
            return moveLocked(jdbc);
        });
        lastSuccess = Instant.now();
        synchronized (moved) {
            moves++;
            moved.notifyAll();
        }
        return head;
    }

    /**
     * Waits until this node's relay moved changes, or the timeout passed (changes relayed by another node, or by a
     * snapshot chunk, are seen at the latest then): lets streams wake up at once instead of polling.
     */
    public void awaitMove(Duration timeout) throws InterruptedException {
        synchronized (moved) {
            long seen = moves;
            long deadline = System.nanoTime() + timeout.toNanos();
            long left;
            while (moves == seen && (left = deadline - System.nanoTime()) > 0) {
                moved.wait(Math.max(1, left / 1_000_000));
            }
        }
    }

    /**
     * Within a REPEATABLE READ transaction that has not run a query yet: takes the relay lock, relays and returns the
     * head. Reads made afterwards in the same transaction see exactly the changes with versions ≤ head.
     */
    public static long lockAndMove(JdbcClient jdbc) {
        jdbc.sql(LOCK).update();
        return moveLocked(jdbc);
    }

    private static long moveLocked(JdbcClient jdbc) {
        return jdbc.sql(MOVE).query(Long.class).single();
    }

    public long head() {
        return jdbc.sql("select head from relay_state").query(Long.class).single();
    }

    @Scheduled(fixedDelayString = "${bulk-extract.relay-interval:10ms}")
    void relay() {
        try {
            boolean pending = jdbc.sql("select exists (select 1 from change_staging)").query(Boolean.class).single();
            if (pending) {
                flush();
            } else {
                lastSuccess = Instant.now();
            }
        } catch (RuntimeException e) {
            log.warn("change relay failed; retrying: {}", e.toString());
        }
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }
}
