package com.dataplatform.stream.distributor.node;

import com.dataplatform.common.security.GuardedHttpClients;
import com.dataplatform.common.security.OutboundUrlGuard;
import com.dataplatform.stream.distributor.assignment.Assignment;
import com.dataplatform.stream.distributor.assignment.AssignmentStore;
import com.dataplatform.stream.distributor.assignment.Lease;
import com.dataplatform.stream.distributor.assignment.NodeRegistry;
import com.dataplatform.stream.distributor.connectivity.ConnectivityDaemon;
import com.dataplatform.stream.distributor.connectivity.KafkaProbe;
import com.dataplatform.stream.distributor.connectivity.PostgresProbe;
import com.dataplatform.stream.distributor.delivery.Backoff;
import com.dataplatform.stream.distributor.delivery.DestinationClient;
import com.dataplatform.stream.distributor.delivery.KafkaDestinationClient;
import com.dataplatform.stream.distributor.delivery.StreamWorker;
import com.dataplatform.stream.distributor.delivery.WebhookClient;
import com.dataplatform.stream.distributor.observability.DistributorMetrics;
import com.dataplatform.stream.distributor.stream.Destination;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.json.JsonMapper;

/**
 * One node: a poller daemon (heartbeat, renew, claim up to the fair share, hand surplus over) and a connectivity
 * daemon (give everything up when Postgres or Kafka is lost, rejoin when they return), plus one worker per owned
 * stream. All ownership state changes happen under one lock.
 */
public class DistributorNode implements ConnectivityDaemon.Listener {

    private static final Logger log = LoggerFactory.getLogger(DistributorNode.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    /**
     * How long one step of a poller round (renewal, hand-over) or a loss of a dependency waits, in all, for the
     * workers it asked to stop. It holds the lock meanwhile and the next renewal waits for it, so it stays well inside
     * the renewal budget (lease TTL minus self-fence margin minus poll interval); a worker that has not stopped by then
     * stays owned as stopping — not renewed, so it self-fences on its own lease — and is handed back when its thread
     * has ended.
     */
    private static final Duration STOP_BUDGET = Duration.ofMillis(300);

    private final DistributorSettings settings;
    private final String id;
    private final String bootstrap;
    private final AssignmentStore store;
    private final NodeRegistry registry;
    private final DistributorMetrics metrics;
    private final OwnershipEvents events;
    private final OutboundUrlGuard guard;
    private final JsonMapper json;
    private final ConnectivityDaemon connectivity;
    private final CloseableHttpClient http;
    private final StreamWorker.Context workerContext;
    private final Map<UUID, StreamWorker> owned = new ConcurrentHashMap<>();
    private final Object lock = new Object();
    private final ScheduledExecutorService daemons;
    private volatile Producer<String, byte[]> producer;
    private volatile boolean stopped;

    public DistributorNode(DistributorSettings settings, String id, JdbcClient jdbc, DataSource dataSource,
            String bootstrap, OutboundUrlGuard guard, JsonMapper json, MeterRegistry meters, OwnershipEvents events) {
        this.settings = settings;
        this.id = id;
        this.bootstrap = bootstrap;
        this.guard = guard;
        this.json = json;
        this.events = events;
        this.store = new AssignmentStore(jdbc, json, id, settings.leaseTtl(), settings.secretSeal());
        this.registry = new NodeRegistry(jdbc, settings.leaseTtl());
        this.metrics = new DistributorMetrics(meters, id, owned::size,
                () -> owned.values().stream().mapToLong(StreamWorker::lag).sum());
        this.connectivity = new ConnectivityDaemon(List.of(new PostgresProbe(dataSource), new KafkaProbe(bootstrap)),
                settings.failureThreshold(), settings.probeTimeout(), this);
        this.http = GuardedHttpClients.create(guard, settings.webhookTimeout(), settings.webhookTimeout(), 64);
        Map<String, Object> consumer = new HashMap<>();
        consumer.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        consumer.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        consumer.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        consumer.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        consumer.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, settings.maxBatch());
        consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        consumer.put(ConsumerConfig.CLIENT_ID_CONFIG, "stream-distributor-" + id);
        this.workerContext = new StreamWorker.Context(store, Map.copyOf(consumer), metrics,
                new Backoff(settings.retryBase(), settings.retryMax()), settings.breakerThreshold(),
                settings.breakerCooldown(), settings.webhookTimeout(), settings.maxBatch(), settings.probeInterval(),
                settings.probeTimeout(), settings.failureThreshold());
        this.daemons = Executors.newScheduledThreadPool(2, r -> {
            Thread t = new Thread(r, "stream-distributor-daemon-" + id);
            t.setDaemon(true);
            return t;
        });
    }

    public String id() {
        return id;
    }

    public void start() {
        long poll = settings.pollInterval().toMillis();
        long probe = settings.probeInterval().toMillis();
        daemons.scheduleWithFixedDelay(this::safePoll, 0, poll, TimeUnit.MILLISECONDS);
        daemons.scheduleWithFixedDelay(this::safeProbe, probe, probe, TimeUnit.MILLISECONDS);
        log.info("node {} started (lease {} ms, poll {} ms)", id, settings.leaseTtl().toMillis(), poll);
    }

    /** Graceful stop (SIGTERM): stop every worker, hand all streams back in one statement, leave. */
    public void shutdown() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            stopped = true;
        }
        daemons.shutdownNow();
        relinquishAll(true, "node shutting down", STOP_WAIT); // no renewals to keep up: wait to hand back
        try {
            registry.leave(id);
        } catch (RuntimeException e) {
            log.warn("node {} could not leave the registry: {}", id, e.toString());
        }
        close();
    }

    /**
     * Test and benchmark hook for an abrupt death: everything stops, nothing is written — the streams stay owned
     * until their leases expire, exactly as if the process had been killed.
     */
    public void crash() {
        synchronized (lock) {
            stopped = true;
        }
        daemons.shutdownNow();
        owned.values().forEach(w -> w.signalStop("crash"));
        owned.values().forEach(w -> w.awaitStopped(STOP_WAIT));
        owned.clear();
        close();
    }

    private void close() {
        connectivity.close();
        Producer<String, byte[]> p = producer;
        if (p != null) {
            p.close(Duration.ofSeconds(2));
        }
        http.close(org.apache.hc.core5.io.CloseMode.GRACEFUL);
    }

    private void safePoll() {
        try {
            poll();
        } catch (RuntimeException e) {
            log.warn("node {} poll failed: {}", id, e.toString());
        }
    }

    private void safeProbe() {
        try {
            connectivity.tick();
        } catch (RuntimeException e) {
            log.warn("node {} probe failed: {}", id, e.toString());
        }
    }

    /** One poller round: heartbeat, renew (dropping what was lost), then claim or hand over towards the fair share. */
    void poll() {
        synchronized (lock) {
            if (stopped) {
                return;
            }
            reapExited();
            boolean connected = connectivity.connected();
            registry.heartbeat(id, connected, json.writeValueAsString(connectivity.states()));
            renew();
            if (!connected) {
                return;
            }
            int live = Math.max(1, registry.liveHealthyNodes());
            int total = store.distributable();
            int fair = (total + live - 1) / live;
            int active = active().size();
            if (active > fair) {
                handOver(active - fair);
            } else if (active < fair) {
                claim(fair - active);
            }
            wakeAtNextForeignExpiry();
        }
    }

    /**
     * If another node's lease runs out before the next regular poll, polls again right after it: a dead node's
     * streams are claimed at expiry + a few ms instead of up to a poll interval later.
     */
    private void wakeAtNextForeignExpiry() {
        long ms = store.millisToNextForeignExpiry();
        if (ms >= 0 && ms < settings.pollInterval().toMillis()) {
            try {
                daemons.schedule(this::safePoll, ms + 20, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // shutting down
            }
        }
    }

    /**
     * Forgets workers that stopped on their own (fenced checkpoint, self-fence, failure) and hands their streams back;
     * if the database cannot be reached their leases simply run out.
     */
    private void reapExited() {
        List<StreamWorker> exited = owned.values().stream().filter(StreamWorker::finished).toList();
        if (exited.isEmpty()) {
            return;
        }
        exited.forEach(w -> owned.remove(w.held().id()));
        metrics.released(exited.size());
        try {
            store.disown(exited.stream().map(StreamWorker::held).toList());
        } catch (RuntimeException e) {
            log.warn("node {} could not hand back {} stopped streams, their leases will expire: {}", id,
                    exited.size(), e.toString());
        }
        for (StreamWorker w : exited) {
            events.released(w.assignment().stream(), id, w.held().epoch(), w.exitReason());
        }
    }

    /** The workers not asked to stop: the ones this node serves (the others are running down). */
    private List<StreamWorker> active() {
        return owned.values().stream().filter(w -> !w.stopSignalled()).toList();
    }

    /**
     * Renews the leases of the active workers only: a worker asked to stop is not kept alive by renewals (it
     * self-fences on its lease if it does not stop), and is handed back by {@link #reapExited} once it has.
     */
    private void renew() {
        List<AssignmentStore.Held> held = active().stream().map(StreamWorker::held).toList();
        long sent = System.nanoTime();
        Set<UUID> renewed = store.renew(held);
        List<StreamWorker> lost = new ArrayList<>();
        for (AssignmentStore.Held h : held) {
            StreamWorker w = owned.get(h.id());
            if (renewed.contains(h.id())) {
                w.lease().renewed(sent);
            } else {
                lost.add(w);
            }
        }
        long until = System.nanoTime() + STOP_BUDGET.toNanos();
        lost.forEach(w -> {
            metrics.fenced();
            w.signalStop("lease lost: the stream was paused, deleted or claimed under a newer epoch");
            log.info("node {} lost stream {} (epoch {})", id, w.held().id(), w.held().epoch());
        });
        for (StreamWorker w : lost) {
            if (awaitStopped(w, until)) {
                store.disown(List.of(w.held()));
                owned.remove(w.held().id());
            }
        }
    }

    private static boolean awaitStopped(StreamWorker w, long untilNanos) {
        return w.awaitStopped(Duration.ofNanos(Math.max(1_000_000, untilNanos - System.nanoTime())));
    }

    private void claim(int n) {
        long sent = System.nanoTime();
        for (Assignment a : store.claim(n)) {
            AssignmentStore.Held claimed = new AssignmentStore.Held(a.stream().id(), a.epoch());
            if (owned.containsKey(a.stream().id())) {
                // a worker of an earlier claim of it is still running down here: never two workers for one stream
                store.disown(List.of(claimed));
                continue;
            }
            StreamWorker w;
            try {
                Lease lease = new Lease(sent, settings.leaseTtl().toNanos(), settings.selfFenceMargin().toNanos());
                w = new StreamWorker(a, lease, destination(a.stream().destination()), workerContext);
            } catch (RuntimeException e) {
                log.error("node {} cannot serve stream {}, parking it: {}", id, a.stream().id(), e.toString());
                store.park(List.of(claimed));
                continue;
            }
            owned.put(a.stream().id(), w);
            w.start(id);
            metrics.claimed(a.previousOwner() != null, a.unownedMillis());
            events.assigned(a.stream(), id, a.epoch(), a.previousOwner());
            log.info("node {} claimed stream {} epoch {}{}", id, a.stream().id(), a.epoch(),
                    a.previousOwner() == null ? "" : " (failover from " + a.previousOwner() + ")");
        }
    }

    /** Hands {@code n} streams to nodes below their share: stop their workers, then release without waiting. */
    private void handOver(int n) {
        List<StreamWorker> surplus = active().stream().limit(n).toList();
        release(surplus, "rebalance: over the fair share", STOP_BUDGET);
    }

    private void release(List<StreamWorker> workers, String reason, Duration budget) {
        workers.forEach(w -> w.signalStop(reason));
        List<StreamWorker> stoppedWorkers = new ArrayList<>();
        long until = System.nanoTime() + budget.toNanos();
        for (StreamWorker w : workers) {
            if (awaitStopped(w, until)) {
                stoppedWorkers.add(w);
            } // else: still running down; it stays owned as stopping (not renewed) until reapExited hands it back
        }
        store.release(stoppedWorkers.stream().map(StreamWorker::held).toList());
        for (StreamWorker w : stoppedWorkers) {
            owned.remove(w.held().id());
            events.released(w.assignment().stream(), id, w.held().epoch(), reason);
        }
        metrics.released(stoppedWorkers.size());
    }

    /** Stops every worker; hands the streams back if the database is reachable, else lets the leases run out. */
    private void relinquishAll(boolean databaseReachable, String reason, Duration budget) {
        synchronized (lock) {
            List<StreamWorker> all = List.copyOf(owned.values());
            if (all.isEmpty()) {
                return;
            }
            if (databaseReachable) {
                try {
                    release(all, reason, budget);
                    return;
                } catch (RuntimeException e) {
                    log.warn("node {} could not release its streams, letting the leases expire: {}", id, e.toString());
                }
            }
            all.forEach(w -> w.signalStop(reason));
            long until = System.nanoTime() + budget.toNanos();
            for (StreamWorker w : all) {
                if (awaitStopped(w, until)) {
                    owned.remove(w.held().id());
                } // else: kept as stopping, so this node cannot claim the stream again while it still runs
            }
        }
    }

    @Override
    public void lost(Map<String, ConnectivityDaemon.DependencyState> states) {
        ConnectivityDaemon.DependencyState pg = states.get("postgres");
        relinquishAll(pg != null && pg.up() && pg.consecutiveFailures() == 0, "dependency lost: " + states,
                STOP_BUDGET);
        try {
            registry.heartbeat(id, false, json.writeValueAsString(states));
        } catch (RuntimeException e) {
            log.debug("node {} could not record its lost dependencies: {}", id, e.toString());
        }
    }

    @Override
    public void restored() {
        // the next poll heartbeats as healthy and claims its share again
    }

    private DestinationClient destination(Destination d) {
        if (d instanceof Destination.Webhook w) {
            return new WebhookClient(http, guard, json, w.url(), w.secret());
        }
        return new KafkaDestinationClient(producer(), ((Destination.KafkaTopic) d).topic());
    }

    private Producer<String, byte[]> producer() {
        Producer<String, byte[]> p = producer;
        if (p == null) {
            synchronized (this) {
                if (producer == null) {
                    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                            ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true, ProducerConfig.ACKS_CONFIG, "all",
                            ProducerConfig.LINGER_MS_CONFIG, 5, ProducerConfig.MAX_BLOCK_MS_CONFIG, 5000,
                            ProducerConfig.CLIENT_ID_CONFIG, "stream-distributor-" + id,
                            ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
                            ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
                }
                p = producer;
            }
        }
        return p;
    }

    public int ownedCount() {
        return owned.size();
    }

    public Set<UUID> ownedStreams() {
        return Set.copyOf(owned.keySet());
    }

    public boolean connected() {
        return connectivity.connected();
    }

    public Map<String, ConnectivityDaemon.DependencyState> dependencies() {
        return connectivity.states();
    }

    public NodeRegistry registry() {
        return registry;
    }
}
