package com.dataplatform.stream.distributor.delivery;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.dataplatform.common.events.CloudEventHeaders;
import com.dataplatform.stream.distributor.assignment.Assignment;
import com.dataplatform.stream.distributor.assignment.AssignmentStore;
import com.dataplatform.stream.distributor.assignment.Lease;
import com.dataplatform.stream.distributor.observability.DistributorMetrics;
import com.dataplatform.stream.distributor.stream.StreamStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers one owned stream: reads every partition of the source from the checkpoint, keeps the org's records,
 * delivers them batch by batch in poll order (so in order per partition), retrying a failed batch until it succeeds
 * (at-least-once), and only then writes the checkpoint — under its epoch. It stops at once when that write is fenced
 * or fails, when its lease could have expired, or when asked to.
 */
public final class StreamWorker implements Runnable {

    /** What a worker needs besides its assignment. */
    public record Context(AssignmentStore store, Map<String, Object> consumerConfig, DistributorMetrics metrics,
            Backoff backoff, int breakerThreshold, Duration breakerCooldown, Duration requestTimeout, int maxBatch,
            Duration probeInterval, Duration probeTimeout, int probeFailureThreshold) {
    }

    private static final Logger log = LoggerFactory.getLogger(StreamWorker.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final Assignment assignment;
    private final AssignmentStore.Held held;
    private final Lease lease;
    private final DestinationClient destination;
    private final Context ctx;
    private final CircuitBreaker breaker;
    private final Object pause = new Object();
    private volatile boolean running = true;
    private volatile KafkaConsumer<String, byte[]> consumer;
    private volatile Thread thread;
    private volatile long lag;
    private volatile String exitReason;
    private long nextProbeAt = System.nanoTime();
    private int probeFailures;
    private boolean degradedByProbe;

    public StreamWorker(Assignment assignment, Lease lease, DestinationClient destination, Context ctx) {
        this.assignment = assignment;
        this.held = new AssignmentStore.Held(assignment.stream().id(), assignment.epoch());
        this.lease = lease;
        this.destination = destination;
        this.ctx = ctx;
        this.breaker = new CircuitBreaker(ctx.breakerThreshold(), ctx.breakerCooldown().toMillis());
    }

    public void start(String node) {
        Thread t = new Thread(this, "stream-" + node + "-" + assignment.stream().id());
        t.setDaemon(true);
        thread = t;
        t.start();
    }

    /** Asks the worker to stop; returns at once. */
    public void signalStop(String reason) {
        if (running) {
            running = false;
            exitReason = Objects.requireNonNullElse(exitReason, reason);
        }
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        synchronized (pause) {
            pause.notifyAll();
        }
    }

    /** Waits until the worker's thread is gone; false if it still runs after the timeout. */
    public boolean awaitStopped(Duration timeout) {
        Thread t = thread;
        if (t == null) {
            return true;
        }
        try {
            t.join(Math.max(1, timeout.toMillis()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !t.isAlive();
    }

    /** Whether the worker was asked to stop or stopped itself (it may still be running down). */
    public boolean stopSignalled() {
        return !running;
    }

    public boolean finished() {
        Thread t = thread;
        return t != null && !t.isAlive();
    }

    public AssignmentStore.Held held() {
        return held;
    }

    public Assignment assignment() {
        return assignment;
    }

    public Lease lease() {
        return lease;
    }

    public long lag() {
        return lag;
    }

    public String exitReason() {
        return exitReason;
    }

    @Override
    public void run() {
        UUID id = held.id();
        String topic = assignment.stream().source().topic();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(ctx.consumerConfig())) {
            consumer = c;
            if (!running) {
                return;
            }
            List<TopicPartition> partitions = partitions(c, topic);
            c.assign(partitions);
            for (TopicPartition tp : partitions) {
                Long next = assignment.checkpoint().get(tp.partition());
                if (next != null) {
                    c.seek(tp, next);
                } else {
                    c.seekToBeginning(List.of(tp));
                }
            }
            long lastLagWrite = 0;
            long writtenLag = -1;
            while (running) {
                if (!lease.valid()) {
                    stop("self-fenced: the lease could expire before a renewal succeeds");
                    break;
                }
                ConsumerRecords<String, byte[]> records = c.poll(POLL);
                Map<Integer, Long> next = new TreeMap<>();
                List<ConsumerRecord<String, byte[]>> keep = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : records) {
                    next.put(r.partition(), r.offset() + 1);
                    if (matches(r)) {
                        keep.add(r);
                    }
                }
                if (keep.isEmpty()) {
                    probeWhileIdle();
                }
                for (int from = 0; from < keep.size(); from += ctx.maxBatch()) {
                    if (!deliver(keep.subList(from, Math.min(keep.size(), from + ctx.maxBatch())))) {
                        return;
                    }
                }
                lag = lag(c, partitions);
                long now = System.nanoTime();
                boolean lagDue = lag != writtenLag && now - lastLagWrite > 1_000_000_000L;
                if (!next.isEmpty() || lagDue) {
                    if (!ctx.store().checkpoint(held, next, lag, !keep.isEmpty())) {
                        ctx.metrics().fenced();
                        stop("checkpoint rejected: epoch " + held.epoch() + " is no longer current");
                        break;
                    }
                    writtenLag = lag;
                    lastLagWrite = now;
                }
            }
        } catch (WakeupException e) {
            // asked to stop
        } catch (RuntimeException e) {
            stop("failed: " + e);
            log.warn("stream {} epoch {} stopped: {}", id, held.epoch(), e.toString());
        } finally {
            running = false;
            consumer = null;
            log.debug("stream {} epoch {} worker exited: {}", id, held.epoch(), exitReason);
        }
    }

    private void stop(String reason) {
        exitReason = Objects.requireNonNullElse(exitReason, reason);
        running = false;
    }

    private List<TopicPartition> partitions(KafkaConsumer<String, byte[]> c, String topic) {
        while (running) {
            List<PartitionInfo> infos = c.partitionsFor(topic, Duration.ofSeconds(2));
            if (infos != null && !infos.isEmpty()) {
                return infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            }
            pause(500);
        }
        return List.of();
    }

    private boolean matches(ConsumerRecord<String, byte[]> r) {
        if (!assignment.stream().org().equals(header(r, CloudEventHeaders.TENANT))) {
            return false;
        }
        String filter = assignment.stream().source().typeFilter();
        return filter == null || filter.equals(header(r, CloudEventHeaders.TYPE));
    }

    /** Retries the batch with backoff (and the breaker) until it is delivered; false if the worker must stop. */
    private boolean deliver(List<ConsumerRecord<String, byte[]>> batch) {
        int attempt = 0;
        while (running) {
            long remaining = lease.remainingNanos();
            if (remaining <= 0) {
                stop("self-fenced during delivery");
                return false;
            }
            try {
                destination.deliver(held.id(), held.epoch(), batch,
                        Duration.ofNanos(Math.min(remaining, ctx.requestTimeout().toNanos())));
                ctx.metrics().delivered(batch.size());
                if (breaker.success() || degradedByProbe) {
                    degradedByProbe = false;
                    probeFailures = 0;
                    markStatus(StreamStatus.ACTIVE);
                }
                return true;
            } catch (DeliveryException e) {
                ctx.metrics().deliveryFailed();
                log.debug("stream {} delivery attempt {} failed: {}", held.id(), attempt, e.getMessage());
                if (breaker.failure()) {
                    log.warn("stream {} circuit open after {} failures: {}", held.id(), ctx.breakerThreshold(),
                            e.getMessage());
                    markStatus(StreamStatus.DEGRADED);
                }
                long delay = breaker.open() ? breaker.cooldownMillis() : ctx.backoff().delayMillis(attempt);
                attempt++;
                if (!pause(delay)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                stop("interrupted");
                return false;
            }
        }
        return false;
    }

    /**
     * Every probe interval while no records flow: after {@code probeFailureThreshold} consecutive failed probes the
     * stream is DEGRADED and probed with backoff; the first success after that makes it ACTIVE again. (A stream
     * degraded by failing deliveries is made ACTIVE only by a delivery.)
     */
    private void probeWhileIdle() {
        long now = System.nanoTime();
        if (now - nextProbeAt < 0) {
            return;
        }
        try {
            destination.probe(ctx.probeTimeout());
            probeFailures = 0;
            nextProbeAt = now + ctx.probeInterval().toNanos();
            if (degradedByProbe) {
                degradedByProbe = false;
                log.info("stream {} destination reachable again", held.id());
                markStatus(StreamStatus.ACTIVE);
            }
        } catch (DeliveryException e) {
            probeFailures++;
            long delay = probeFailures < ctx.probeFailureThreshold() ? ctx.probeInterval().toMillis()
                    : Math.max(ctx.probeInterval().toMillis(), ctx.backoff().delayMillis(probeFailures));
            nextProbeAt = now + delay * 1_000_000L;
            if (probeFailures == ctx.probeFailureThreshold() && !breaker.open()) {
                degradedByProbe = true;
                log.warn("stream {} destination unreachable after {} probes: {}", held.id(), probeFailures,
                        e.getMessage());
                markStatus(StreamStatus.DEGRADED);
            }
        }
    }

    private void markStatus(StreamStatus status) {
        try {
            ctx.store().markStatus(held, status);
        } catch (RuntimeException e) {
            log.debug("could not mark stream {} {}: {}", held.id(), status, e.toString());
        }
    }

    private boolean pause(long millis) {
        if (millis <= 0) {
            return running;
        }
        synchronized (pause) {
            if (running) {
                try {
                    pause.wait(millis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    stop("interrupted");
                }
            }
        }
        return running;
    }

    private static long lag(KafkaConsumer<String, byte[]> c, List<TopicPartition> partitions) {
        long sum = 0;
        for (TopicPartition tp : partitions) {
            OptionalLong l = c.currentLag(tp);
            sum += l.orElse(0);
        }
        return sum;
    }

    private static String header(ConsumerRecord<?, ?> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), UTF_8);
    }
}
