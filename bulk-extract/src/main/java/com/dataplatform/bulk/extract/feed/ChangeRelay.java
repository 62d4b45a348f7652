package com.dataplatform.bulk.extract.feed;

import com.dataplatform.bulk.extract.ExtractProperties;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Moves captured changes from {@code change_staging} into {@code change_feed}, numbering them with the feed's
 * commit-ordered version. Relays are serialized by {@code LOCK TABLE relay_state}, taken before the transaction's
 * snapshot, so each relay sees everything the previous one moved; it moves every staged change its snapshot can
 * see (i.e. every change committed before it) in capture order. See the README for why this is commit-ordered.
 * <p>
 * Runs on a thread of its own (not the shared scheduler, where a long prune or claim would delay it), woken at
 * commit by the capture trigger's {@code NOTIFY bulk_extract_staged} on a listening connection, and polling every
 * {@code relay-interval} besides (a lost listener connection is re-opened). After moving a large burst it vacuums
 * the staging table, whose dead rows would otherwise make every later relay scan them.
 */
@Component
public class ChangeRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ChangeRelay.class);
    static final String CHANNEL = "bulk_extract_staged";
    static final int VACUUM_AFTER = 10_000;

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
    private final DataSource dataSource;
    private final TransactionTemplate repeatableRead;
    private final Duration interval;
    private volatile Instant lastSuccess = Instant.now();
    private final Object moved = new Object();
    private long moves;
    private volatile Thread thread;
    private volatile boolean running;

    public ChangeRelay(JdbcClient jdbc, DataSource dataSource, PlatformTransactionManager txm,
            ExtractProperties props) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
        this.interval = props.relayInterval();
        this.repeatableRead = new TransactionTemplate(txm);
        this.repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
    }

    /** Relays everything committed so far and returns the feed head: every change committed before is ≤ it. */
    public long flush() {
        long[] headAndMoved = repeatableRead.execute(s -> {
            jdbc.sql(LOCK).update();
            long before = jdbc.sql("select head from relay_state").query(Long.class).single();
            long head = moveLocked(jdbc);
            return new long[] {head, head - before};
        });
        lastSuccess = Instant.now();
        synchronized (moved) {
            moves++;
            moved.notifyAll();
        }
        if (headAndMoved[1] >= VACUUM_AFTER) {
            vacuumStaging();
        }
        return headAndMoved[0];
    }

    /** How many relays this node has run: pass it to {@link #awaitMoveAfter} to miss none in between. */
    public long moves() {
        synchronized (moved) {
            return moves;
        }
    }

    /**
     * Waits until this node relayed after {@code seen} was read from {@link #moves()}, or the timeout passed
     * (changes relayed by another node, or by a snapshot chunk, are seen at the latest then).
     */
    public void awaitMoveAfter(long seen, Duration timeout) throws InterruptedException {
        synchronized (moved) {
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

    /** One relay if anything is staged (an index probe, cheap when nothing is). */
    void relayPending() {
        try {
            boolean pending = !jdbc.sql("select seq from change_staging order by seq limit 1").query(Long.class)
                    .list().isEmpty();
            if (pending) {
                flush();
            } else {
                lastSuccess = Instant.now();
            }
        } catch (RuntimeException e) {
            log.warn("change relay failed; retrying: {}", e.toString());
        }
    }

    private void vacuumStaging() {
        try {
            jdbc.sql("vacuum change_staging").update();
        } catch (RuntimeException e) {
            log.debug("vacuum of change_staging failed: {}", e.toString());
        }
    }

    private void loop() {
        Connection listener = null;
        while (running) {
            try {
                if (listener == null) {
                    listener = listen();
                }
                relayPending();
                // returns at the first notification (a commit that captured changes), else after the interval
                listener.unwrap(PGConnection.class).getNotifications((int) Math.max(1, interval.toMillis()));
            } catch (SQLException | RuntimeException e) {
                if (!running) {
                    break;
                }
                log.warn("relay listener failed; polling until it is back: {}", e.toString());
                close(listener);
                listener = null;
                sleep(interval);
            }
        }
        close(listener);
    }

    private Connection listen() throws SQLException {
        Connection c = dataSource.getConnection();
        try (Statement st = c.createStatement()) {
            st.execute("listen " + CHANNEL);
        } catch (SQLException e) {
            close(c);
            throw e;
        }
        return c;
    }

    private static void close(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // being replaced or shut down
            }
        }
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(Math.max(1, d.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public Instant lastSuccess() {
        return lastSuccess;
    }

    @Override
    public void start() {
        running = true;
        Thread t = new Thread(this::loop, "change-relay");
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    @Override
    public void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            try {
                t.join(Math.max(2_000, interval.toMillis() * 3));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Stops after the extraction workers (which wait for it) and before the data source goes away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 2000;
    }
}
