package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.assembly.Assembler;
import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.runtime.AppRuntime;
import com.dataplatform.ci.deploy.runtime.RunSpec;
import com.dataplatform.ci.deploy.runtime.RunningApp;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process of each live app with a schedule ({@code every 60s}): re-runs the live version's artifact (hash
 * checked before each run) at that period. A replaced version is drained: no new run starts, a run in progress
 * may finish within the drain timeout, then it is killed.
 */
public class LiveProcesses {

    private static final Logger log = LoggerFactory.getLogger(LiveProcesses.class);

    /** What {@code GET /api/apps/{name}} shows of the live process. */
    public record ProcessView(int version, String state, int runs, Integer lastExitCode, Long pid) {
    }

    private static final class Supervised {
        final int version;
        final AtomicReference<RunningApp> current = new AtomicReference<>();
        final AtomicInteger runs = new AtomicInteger();
        volatile Integer lastExit;
        volatile ScheduledFuture<?> future;
        volatile boolean stopping;

        Supervised(int version) {
            this.version = version;
        }
    }

    private final AppRuntime runtime;
    private final VersionStore store;
    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2, r -> {
        Thread t = new Thread(r, "ci-deploy-live");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, Supervised> byApp = new ConcurrentHashMap<>();

    public LiveProcesses(AppRuntime runtime, VersionStore store) {
        this.runtime = runtime;
        this.store = store;
    }

    /** Starts re-running {@code row}'s artifact every {@code every}; the first run is after one period. */
    public void start(VersionRow row, VersionPaths paths, RunSpec spec, Duration every) {
        Supervised s = new Supervised(row.version());
        Supervised before = byApp.put(row.app(), s);
        if (before != null && before.version != row.version()) {
            log.warn("{} v{} replaced v{} without a drain", row.app(), row.version(), before.version);
        }
        s.future = scheduler.scheduleWithFixedDelay(() -> tick(row, paths, spec, s), every.toMillis(),
                every.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void tick(VersionRow row, VersionPaths paths, RunSpec spec, Supervised s) {
        if (s.stopping) {
            return;
        }
        try {
            Assembler.verify(paths, row.contentHash());
            RunningApp run = runtime.start(spec);
            s.current.set(run);
            store.recordPid(row, run.pid(), run.startedAt());
            RunningApp.Outcome outcome = run.await();
            s.runs.incrementAndGet();
            s.lastExit = outcome.timedOut() ? -1 : outcome.exitCode();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            log.warn("{} v{}: scheduled run not started: {}", row.app(), row.version(), e.toString());
        } finally {
            s.current.set(null);
        }
    }

    /** Drains and stops {@code version} of {@code app} if it is the supervised one. */
    public void stop(String app, int version, Duration drain) {
        Supervised s = byApp.get(app);
        if (s == null || s.version != version) {
            return;
        }
        byApp.remove(app, s);
        s.stopping = true;
        if (s.future != null) {
            s.future.cancel(false);
        }
        RunningApp run = s.current.get();
        if (run != null) {
            long deadline = System.nanoTime() + drain.toNanos();
            while (run.alive() && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(50);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            run.stop(Duration.ofSeconds(2));
        }
    }

    public Optional<ProcessView> view(String app) {
        Supervised s = byApp.get(app);
        if (s == null) {
            return Optional.empty();
        }
        RunningApp run = s.current.get();
        return Optional.of(new ProcessView(s.version, run != null ? "RUNNING" : "SCHEDULED", s.runs.get(), s.lastExit,
                run != null ? run.pid() : null));
    }

    /** On shutdown: no new runs, runs in progress are killed (a restart resumes the schedule). */
    public void shutdown() {
        scheduler.shutdownNow();
        byApp.values().forEach(s -> {
            RunningApp run = s.current.get();
            if (run != null) {
                run.stop(Duration.ofSeconds(1));
            }
        });
        byApp.clear();
    }
}
