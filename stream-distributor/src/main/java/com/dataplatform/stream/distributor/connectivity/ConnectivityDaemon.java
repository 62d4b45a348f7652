package com.dataplatform.stream.distributor.connectivity;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Probes the node's dependencies every tick. After {@code failureThreshold} consecutive misses of any of them the node
 * must give up all its streams ({@link Listener#lost}); once every dependency answers again it rejoins
 * ({@link Listener#restored}).
 */
public class ConnectivityDaemon {

    /** A dependency's state as the nodes API and health show it. */
    public record DependencyState(boolean up, int consecutiveFailures, String lastError) {
    }

    /** Reacts to the node losing or regaining its dependencies. */
    public interface Listener {
        void lost(Map<String, DependencyState> states);

        void restored();
    }

    private static final Logger log = LoggerFactory.getLogger(ConnectivityDaemon.class);

    private final List<Probe> probes;
    private final int failureThreshold;
    private final Duration timeout;
    private final Listener listener;
    private final Map<String, DependencyState> states = new ConcurrentHashMap<>();
    private final ExecutorService probeThreads;
    private volatile boolean connected = true;

    public ConnectivityDaemon(List<Probe> probes, int failureThreshold, Duration timeout, Listener listener) {
        this.probes = List.copyOf(probes);
        this.failureThreshold = failureThreshold;
        this.timeout = timeout;
        this.listener = listener;
        this.probeThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "stream-distributor-probe");
            t.setDaemon(true);
            return t;
        });
        probes.forEach(p -> states.put(p.name(), new DependencyState(true, 0, null)));
    }

    /** One probing round; call every probe interval. */
    public void tick() {
        boolean allUp = true;
        boolean lost = false;
        for (Probe p : probes) {
            String error = probe(p);
            DependencyState previous = states.get(p.name());
            DependencyState next = error == null ? new DependencyState(true, 0, null)
                    : new DependencyState(previous.consecutiveFailures() + 1 < failureThreshold,
                            previous.consecutiveFailures() + 1, error);
            states.put(p.name(), next);
            allUp &= error == null;
            lost |= next.consecutiveFailures() >= failureThreshold;
        }
        if (lost && connected) {
            connected = false;
            log.warn("dependencies lost, relinquishing all streams: {}", states);
            listener.lost(states());
        } else if (allUp && !connected) {
            connected = true;
            log.info("dependencies restored, rejoining");
            listener.restored();
        }
    }

    private String probe(Probe p) {
        Future<?> f = probeThreads.submit(() -> {
            p.check(timeout);
            return null;
        });
        try {
            f.get(timeout.toMillis() + 250, TimeUnit.MILLISECONDS);
            return null;
        } catch (TimeoutException e) {
            f.cancel(true);
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (Exception e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            return cause.toString();
        }
    }

    /** True while every dependency is within its failure budget. */
    public boolean connected() {
        return connected;
    }

    public Map<String, DependencyState> states() {
        return new LinkedHashMap<>(states);
    }

    public void close() {
        probeThreads.shutdownNow();
    }
}
