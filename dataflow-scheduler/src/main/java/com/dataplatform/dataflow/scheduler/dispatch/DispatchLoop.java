package com.dataplatform.dataflow.scheduler.dispatch;

import com.dataplatform.dataflow.scheduler.execution.RunExecutor;
import com.dataplatform.dataflow.scheduler.observability.DispatchMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * This instance's dispatcher loop, worker threads, heartbeats and lease expiry. The loop steps the
 * {@link Dispatcher} (starting at most as many runs as it has free workers), hands claimed runs to the workers,
 * and sleeps for the poll interval unless there is more work or {@link #wakeUp()} is called.
 */
public class DispatchLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DispatchLoop.class);

    private final Dispatcher dispatcher;
    private final RunExecutor executor;
    private final LeaseKeeper leases;
    private final DispatchMetrics metrics;
    private final Duration pollInterval;
    private final Duration heartbeat;
    private final int workers;
    private final Map<java.util.UUID, ClaimedRun> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger free;
    private final Semaphore wake = new Semaphore(0);
    private volatile boolean running;
    private volatile Instant lastStep = Instant.EPOCH;
    private Thread loop;
    private ExecutorService pool;
    private ScheduledExecutorService timers;

    public DispatchLoop(Dispatcher dispatcher, RunExecutor executor, LeaseKeeper leases, DispatchMetrics metrics,
            Duration pollInterval, Duration heartbeat, int workers) {
        this.dispatcher = dispatcher;
        this.executor = executor;
        this.leases = leases;
        this.metrics = metrics;
        this.pollInterval = pollInterval;
        this.heartbeat = heartbeat;
        this.workers = workers;
        this.free = new AtomicInteger(workers);
    }

    /** Asks for a dispatch step now (after an enqueue or a finish in this instance). */
    public void wakeUp() {
        wake.release();
    }

    public Instant lastStep() {
        return lastStep;
    }

    public Duration pollInterval() {
        return pollInterval;
    }

    @Override
    public void start() {
        running = true;
        pool = Executors.newFixedThreadPool(workers, named("dataflow-worker"));
        timers = Executors.newSingleThreadScheduledExecutor(named("dataflow-leases"));
        timers.scheduleWithFixedDelay(this::keepLeases, heartbeat.toMillis(), heartbeat.toMillis(), TimeUnit.MILLISECONDS);
        timers.scheduleWithFixedDelay(this::refreshMetrics, 0, 15, TimeUnit.SECONDS);
        loop = named("dataflow-dispatcher").newThread(this::run);
        loop.start();
    }

    private void run() {
        while (running) {
            boolean more = false;
            try {
                long t0 = System.nanoTime();
                Dispatcher.Step step = dispatcher.step(free.get());
                lastStep = Instant.now();
                if (step.claimed()) {
                    metrics.dispatchStep(Duration.ofNanos(System.nanoTime() - t0));
                }
                for (ClaimedRun r : step.runs()) {
                    metrics.started(r.waitSeconds());
                    free.decrementAndGet();
                    inFlight.put(r.id(), r);
                    pool.execute(() -> execute(r));
                }
                more = step.moreWork();
            } catch (RuntimeException e) {
                if (running) {
                    log.warn("dispatch step failed, retrying: {}", e.toString());
                }
            }
            if (!more) {
                try {
                    wake.tryAcquire(pollInterval.toMillis(), TimeUnit.MILLISECONDS);
                    wake.drainPermits();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void execute(ClaimedRun r) {
        try {
            RunExecutor.Outcome outcome = executor.execute(r);
            metrics.status(outcome == RunExecutor.Outcome.LEASE_LOST ? "LEASE_LOST" : outcome.name());
        } catch (RuntimeException e) {
            log.error("run {} crashed its worker; its lease will expire", r.id(), e);
        } finally {
            inFlight.remove(r.id());
            free.incrementAndGet();
            wakeUp();
        }
    }

    private void keepLeases() {
        try {
            leases.renew(inFlight.values()).forEach(id -> log.warn("run {}: lease lost", id));
            int expired = leases.expire(100);
            metrics.leaseExpired(expired);
            if (expired > 0) {
                wakeUp();
            }
        } catch (RuntimeException e) {
            log.warn("lease upkeep failed: {}", e.toString());
        }
    }

    private void refreshMetrics() {
        try {
            metrics.refresh();
        } catch (RuntimeException e) {
            log.debug("metrics refresh failed: {}", e.toString());
        }
    }

    private static java.util.concurrent.ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    @Override
    public void stop() {
        running = false;
        wakeUp();
        if (loop != null) {
            try {
                loop.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        timers.shutdownNow();
        pool.shutdown();
        try {
            pool.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Runs finished while the pool drained released nothing themselves (a worker's finish is only its status
        // change): one last step that may start nothing reaps them — releases their locks, appends their events —
        // so a single instance going down leaves no finished run holding locks until the next start. If another
        // instance holds the claim, its own steps reap them.
        try {
            dispatcher.step(0);
        } catch (RuntimeException e) {
            log.debug("final reap step failed: {}", e.toString());
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
