package com.dataplatform.analytics.embed.render;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Values loaded from the database, per key, for the render path.
 * <ul>
 * <li><b>Readers never wait for a refresh.</b> An entry older than the TTL is still returned while one background
 * load per key (on {@code refresher}) replaces it; only a missing entry is loaded on the caller's thread.</li>
 * <li><b>An invalidation is final.</b> Every load remembers the generation it started in; {@link #invalidateAll()}
 * bumps the generation and then clears. A store checks the generation inside the map's per-key lock, so a value
 * loaded before an invalidation is never stored after it (either the check sees the new generation, or the store
 * happened first and the clear removes it), and a read ignores any entry of an older generation.</li>
 * <li>A failed background load keeps the old value (retried on a later read); a load that finds nothing removes the
 * key (absent keys are not cached).</li>
 * </ul>
 */
final class RefreshingCache<K, V> {

    private static final Logger log = LoggerFactory.getLogger(RefreshingCache.class);

    private record Entry<V>(V value, long loadedAt, long generation) {
    }

    private final Map<K, Entry<V>> entries = new ConcurrentHashMap<>();
    private final Map<K, Boolean> refreshing = new ConcurrentHashMap<>();
    private final AtomicLong generation = new AtomicLong();
    private final Function<K, Optional<V>> loader;
    private final Executor refresher;
    private final long ttlNanos;
    private final int maxEntries;
    private final LongSupplier nanoClock;

    RefreshingCache(Function<K, Optional<V>> loader, Executor refresher, long ttlNanos, int maxEntries,
            LongSupplier nanoClock) {
        this.loader = loader;
        this.refresher = refresher;
        this.ttlNanos = ttlNanos;
        this.maxEntries = maxEntries;
        this.nanoClock = nanoClock;
    }

    Optional<V> get(K key) {
        long gen = generation.get();
        Entry<V> e = entries.get(key);
        if (e != null && e.generation == gen) {
            if (nanoClock.getAsLong() - e.loadedAt >= ttlNanos) {
                refreshInBackground(key);
            }
            return Optional.of(e.value);
        }
        return load(key, gen);
    }

    /** Forgets everything; loads that started before this call cannot store their values afterwards. */
    void invalidateAll() {
        generation.incrementAndGet();
        entries.clear();
    }

    int size() {
        return entries.size();
    }

    private Optional<V> load(K key, long gen) {
        long at = nanoClock.getAsLong();
        Optional<V> value = loader.apply(key);
        store(key, gen, at, value);
        return value;
    }

    private void store(K key, long gen, long loadedAt, Optional<V> value) {
        if (entries.size() >= maxEntries && !entries.containsKey(key)) {
            entries.clear();
        }
        entries.compute(key, (k, old) -> {
            if (generation.get() != gen) {
                return old; // invalidated while loading: this value must not be kept (old is cleared or newer)
            }
            if (old != null && old.generation == gen && old.loadedAt > loadedAt) {
                return old; // a load that started later already stored its value
            }
            return value.map(v -> new Entry<>(v, loadedAt, gen)).orElse(null);
        });
    }

    private void refreshInBackground(K key) {
        if (refreshing.putIfAbsent(key, Boolean.TRUE) != null) {
            return;
        }
        long gen = generation.get();
        try {
            refresher.execute(() -> {
                try {
                    load(key, gen);
                } catch (RuntimeException e) {
                    log.warn("refresh of {} failed, serving the previous value: {}", key, e.toString());
                } finally {
                    refreshing.remove(key);
                }
            });
        } catch (RejectedExecutionException e) {
            refreshing.remove(key);
        }
    }
}
