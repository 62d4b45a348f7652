package com.dataplatform.dataflow.scheduler.dispatch;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One dispatch step, run by the database as one statement ({@code dispatch_step}, migration V11) and therefore one
 * READ COMMITTED transaction that the database serializes with two advisory locks (see {@link DispatchLocks}):
 * <ol>
 * <li>reap the runs that lease holders finished since the previous step (their finish was only the fenced status
 * change, migration V13): delete their {@code run_active} and lock rows with one wake-up per run and append their
 * finish events (one {@code run_event_batch} row naming them, V15), so the capacity count and the wake-ups below
 * already include what they freed;</li>
 * <li>consume wake-ups, in chunks, only while it has capacity to start runs: first resources released by finishes
 * (only entries queued after the released one can have become free — an exclusive head, or the leading run of
 * shared entries; after a shared entry left, only an exclusive head), then new runs, read by a cursor over
 * {@code seq};</li>
 * <li>find those candidates ready if no lock row with a lower {@code seq} conflicts with any of theirs (rules 2–4;
 * two index probes per resource; a running conflicting run always has the lower seq). Ready is monotonic until the
 * run starts: later enqueues cannot block it, and no conflicting run can start ahead of it;</li>
 * <li>start, in enqueue order, the earliest ready runs of every type below its limit, up to the global limit
 * (rule 1, counted in {@code run_active}), with a fencing token and a lease on the database clock, appending their
 * RunStarted events (one {@code run_event_batch} row naming them, V15); ready runs that do not start now go to
 * {@code run_ready}. Neither the lock rows nor an index entry of {@code run} are written: the start is a HOT update,
 * a running run's lock rows are its held locks.</li>
 * </ol>
 * Work per step is bounded by the batch size and the number of types, not by the queue length; one round trip per
 * step keeps the serialized claimer from waiting on the client between statements.
 */
public class Dispatcher {

    /** What one step did. */
    public record Step(boolean claimed, int signals, int started, List<ClaimedRun> runs, boolean moreWork) {
    }

    /** Most entries of one resource's shared head group evaluated per step. */
    static final int HEAD_LIMIT = 64;

    private final JdbcClient jdbc;
    private final String worker;
    private final Duration lease;
    private final int batch;
    private final int globalLimit;
    private final int defaultTypeLimit;

    public Dispatcher(JdbcClient jdbc, String worker, Duration lease, int batch, int globalLimit,
            int defaultTypeLimit) {
        this.jdbc = jdbc;
        this.worker = worker;
        this.lease = lease;
        this.batch = batch;
        this.globalLimit = globalLimit;
        this.defaultTypeLimit = defaultTypeLimit;
    }

    public String worker() {
        return worker;
    }

    public Step step() {
        return step(batch);
    }

    /**
     * One step starting at most {@code maxStart} runs (e.g. the free worker threads of this instance). Must not run
     * inside a caller's transaction: the step's locks are held until its own statement commits.
     */
    public Step step(int maxStart) {
        return jdbc.sql("""
                select claimed, signals, more, ids, orgs, dataflow_ids, versions, types, tokens, waits
                from dispatch_step(:worker, :leaseMs, :batch, :maxStart, :globalLimit, :defaultTypeLimit, :headLimit)""")
                .param("worker", worker).param("leaseMs", lease.toMillis()).param("batch", batch)
                .param("maxStart", maxStart).param("globalLimit", globalLimit)
                .param("defaultTypeLimit", defaultTypeLimit).param("headLimit", HEAD_LIMIT)
                .query((rs, i) -> read(rs, maxStart)).single();
    }

    private Step read(ResultSet rs, int maxStart) throws SQLException {
        if (!rs.getBoolean("claimed")) {
            return new Step(false, 0, 0, List.of(), false);
        }
        int signals = rs.getInt("signals");
        Object[] ids = array(rs.getArray("ids"));
        Object[] orgs = array(rs.getArray("orgs"));
        Object[] dataflows = array(rs.getArray("dataflow_ids"));
        Object[] versions = array(rs.getArray("versions"));
        Object[] types = array(rs.getArray("types"));
        Object[] tokens = array(rs.getArray("tokens"));
        Object[] waits = array(rs.getArray("waits"));
        List<ClaimedRun> runs = new ArrayList<>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            runs.add(new ClaimedRun((UUID) ids[k], (String) orgs[k], (UUID) dataflows[k], (Integer) versions[k],
                    (String) types[k], (Long) tokens[k], (Double) waits[k]));
        }
        boolean more = rs.getBoolean("more");
        return new Step(true, signals, runs.size(), List.copyOf(runs), more);
    }

    private static Object[] array(Array a) throws SQLException {
        return a == null ? new Object[0] : (Object[]) a.getArray();
    }
}
