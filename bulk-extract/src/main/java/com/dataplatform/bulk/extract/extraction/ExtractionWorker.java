package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.bulk.extract.feed.ChangeRelay;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Claims runnable jobs by lease (database time) and runs each on its own thread: snapshot chunks until done, then
 * the SnapshotCompleted marker, then streaming until the job is cancelled or the lease is lost. Any node may resume a
 * job whose lease expired, from the state the previous owner stored.
 */
@Component
class ExtractionWorker implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(ExtractionWorker.class);
    private static final int MAX_CONSECUTIVE_FAILURES = 5;

    private final JobStore store;
    private final Snapshotter snapshotter;
    private final Streamer streamer;
    private final JobOutboxRelay outbox;
    private final ExtractProperties props;
    private final ChangeRelay relay;
    private final JsonMapper json;
    private final ExecutorService waker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "extraction-claim");
        t.setDaemon(true);
        return t;
    });
    private final String owner = "node-" + UUID.randomUUID();
    private final Set<UUID> running = ConcurrentHashMap.newKeySet();
    /** Jobs run here whose SnapshotCompleted marker is known to be on Kafka (checked once per run). */
    private final Set<UUID> markerOut = ConcurrentHashMap.newKeySet();
    private volatile ExecutorService executor;
    private volatile boolean started;

    ExtractionWorker(JobStore store, Snapshotter snapshotter, Streamer streamer, JobOutboxRelay outbox,
            ExtractProperties props, ChangeRelay relay, JsonMapper json) {
        this.json = json;
        this.relay = relay;
        this.store = store;
        this.snapshotter = snapshotter;
        this.streamer = streamer;
        this.outbox = outbox;
        this.props = props;
    }

    /**
     * A job was just created here: this node claims it now. Other nodes leave it alone for {@code claim-grace}, so
     * jobs spread over the nodes their requests reached instead of going to whichever node ticks first.
     */
    void wake(UUID created) {
        waker.execute(() -> claim(created));
    }

    @Scheduled(fixedDelayString = "${bulk-extract.claim-interval:500ms}")
    void claim() {
        claim(null);
    }

    private synchronized void claim(UUID only) {
        if (!started) {
            return;
        }
        try {
            for (JobStore.Claim claim : store.claim(owner, props.lease(), props.workers() - running.size(),
                    props.entities(), props.lease().multipliedBy(2), props.claimGrace(), only, Set.copyOf(running))) {
                if (running.add(claim.id())) {
                    executor.execute(() -> run(claim.id(), claim.token()));
                }
            }
        } catch (RuntimeException e) {
            log.warn("claiming extraction jobs failed: {}", e.toString());
        }
    }

    /** Runs one claim of a job; every write is fenced by the claim's {@code token}. */
    private void run(UUID id, String token) {
        Duration renewEvery = props.lease().dividedBy(3);
        long renewedAt = 0;
        int failures = 0;
        int unavailable = 0;
        try {
            while (started && !Thread.currentThread().isInterrupted()) {
                Optional<ExtractionJob> current;
                if (System.nanoTime() - renewedAt > renewEvery.toNanos()) {
                    current = store.renew(id, token, props.lease());
                    renewedAt = System.nanoTime();
                } else {
                    current = store.find(id);
                }
                ExtractionJob job = current.orElse(null);
                if (job == null || !job.status().active()) {
                    return;
                }
                try {
                    step(job, token);
                    failures = 0;
                    unavailable = 0;
                } catch (LeaseLostException e) {
                    return;
                } catch (RecordPublisher.PublishUnavailable e) {
                    // Kafka, not the job: retried however long it takes (the lease is renewed meanwhile)
                    if (Thread.currentThread().isInterrupted() || !started) {
                        return;
                    }
                    unavailable++;
                    log.warn("extraction {}: Kafka unavailable ({} in a row); retrying: {}", id, unavailable,
                            e.getMessage());
                    // backing off, but never past a renewal: the job stays this node's while it waits
                    pause(Duration.ofMillis(Math.min(renewEvery.toMillis(), 200L << Math.min(unavailable, 8))));
                } catch (ExtractionFailure e) {
                    fail(job, token, e.getMessage(), e);
                    return;
                } catch (RuntimeException e) {
                    if (Thread.currentThread().isInterrupted() || !started) {
                        return;
                    }
                    if (++failures >= MAX_CONSECUTIVE_FAILURES) {
                        fail(job, token, "failed " + failures + " times in a row, last: " + rootMessage(e), e);
                        return;
                    }
                    log.warn("extraction {} step failed ({} in a row); retrying: {}", id, failures, e.toString());
                    pause(Duration.ofMillis(200L * failures));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            log.warn("extraction {} stopped: {}", id, e.toString());
        } finally {
            snapshotter.forget(id);
            markerOut.remove(id);
            running.remove(id);
        }
    }

    /** FAILED with the reason (fenced by the lease) and ExtractionFailed, through the outbox, in one transaction. */
    private void fail(ExtractionJob job, String token, String reason, RuntimeException cause) {
        log.error("extraction {} failed: {}", job.id(), reason, cause);
        store.fail(job.id(), token, job.org(), reason, json.writeValueAsString(Map.of("id", job.id().toString(),
                "error", reason, "status", JobStatus.FAILED.name())));
    }

    private void step(ExtractionJob job, String token) throws InterruptedException {
        if (job.status() == JobStatus.STREAMING) {
            if (!markerOut.contains(job.id())) {
                awaitMarker(job);
                markerOut.add(job.id());
            }
            long seen = relay.moves(); // before reading the head: a relay in between is not missed
            if (streamer.step(job, token) == 0) {
                relay.awaitMoveAfter(seen, props.streamPollInterval());
            }
            return;
        }
        if (!snapshotter.step(job, token)) {
            // the marker is written with STREAMING and published before the first change is streamed (the streaming
            // step relays it and checks it left the outbox; after a crash the next owner does the same)
            if (!store.startStreaming(job.id(), token, done -> json.writeValueAsString(Map.of("id",
                    job.id().toString(), "watermark", job.watermark(), "chunks", done.chunksDone(), "rows",
                    done.rowsSent())))) {
                throw new LeaseLostException();
            }
        }
    }

    /**
     * The marker goes before the first change: if it is still in the outbox, the relay thread is asked to send it
     * and this waits briefly for it to leave; if it has not, the step is retried like a send Kafka did not take (the
     * lease is renewed meanwhile), never streaming ahead of it.
     */
    private void awaitMarker(ExtractionJob job) throws InterruptedException {
        long until = System.nanoTime() + props.lease().dividedBy(3).toNanos();
        while (outbox.markerPending(job.id())) {
            if (System.nanoTime() > until) {
                throw new RecordPublisher.PublishUnavailable(new IllegalStateException(
                        "SnapshotCompleted of " + job.id() + " is not published yet"));
            }
            outbox.relaySoon();
            pause(Duration.ofMillis(20));
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root == e ? e.toString() : e.getClass().getSimpleName() + ": " + root.getMessage();
    }

    private static void pause(Duration d) throws InterruptedException {
        Thread.sleep(Math.max(1, d.toMillis()));
    }

    /** The id of this node: {@code extraction_job.lease_owner} of its jobs is {@code <this>/<claim>}. */
    @Override
    public String toString() {
        return owner;
    }

    @Override
    public void start() {
        executor = Executors.newFixedThreadPool(props.workers(), r -> {
            Thread t = new Thread(r, "extraction-" + UUID.randomUUID().toString().substring(0, 8));
            t.setDaemon(true);
            return t;
        });
        started = true;
    }

    @Override
    public void stop() {
        started = false;
        ExecutorService e = executor;
        if (e != null) {
            e.shutdownNow();
            try {
                e.awaitTermination(3, TimeUnit.SECONDS);
            } catch (InterruptedException ie) {
                Thread.currentThread().interrupt();
            }
        }
        // hand the jobs over at once rather than at lease expiry; bounded, as the database may be going away too
        try {
            CompletableFuture.runAsync(() -> store.releaseAll(owner)).get(2, TimeUnit.SECONDS);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException ignored) {
            // the leases expire on their own
        }
    }

    @Override
    public boolean isRunning() {
        return started;
    }

    /** Stop before the Kafka producer and the data source go away. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 1000;
    }
}
