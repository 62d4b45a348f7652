package com.dataplatform.analytics.embed.data;

import com.dataplatform.analytics.embed.lake.QueryResult;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Query results per (area, version, filters). Each dataset has a generation that every {@code DatasetUpdated}
 * bumps; a result is stored only if its dataset's generation did not move while it was being computed, so a query
 * that raced an invalidation can never put stale rows back. Entries also expire after a TTL, a bound on staleness
 * should an event be lost.
 */
public class ResultCache {

    /** The cache key: a filtered view of one version of one area. */
    public record Key(UUID area, int version, Map<String, String> filters) {
        public Key {
            filters = Map.copyOf(filters);
        }
    }

    private record Entry(QueryResult result, String dataset, long storedAt) {
    }

    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> generations = new ConcurrentHashMap<>();
    private final long ttlNanos;
    private final int maxEntries;

    public ResultCache(Duration ttl, int maxEntries) {
        this.ttlNanos = ttl.toNanos();
        this.maxEntries = maxEntries;
    }

    public static String dataset(String org, String dataset) {
        return org + "." + dataset;
    }

    public QueryResult get(Key key) {
        Entry e = entries.get(key);
        if (e == null) {
            return null;
        }
        if (System.nanoTime() - e.storedAt > ttlNanos) {
            entries.remove(key, e);
            return null;
        }
        return e.result;
    }

    public long generation(String dataset) {
        return generations.computeIfAbsent(dataset, d -> new AtomicLong()).get();
    }

    /** Stores the result unless {@code dataset} was invalidated after {@code generationAtStart} was read. */
    public boolean put(Key key, String dataset, long generationAtStart, QueryResult result) {
        if (entries.size() >= maxEntries) {
            entries.clear();
        }
        Entry e = new Entry(result, dataset, System.nanoTime());
        if (generation(dataset) != generationAtStart) {
            return false;
        }
        entries.put(key, e);
        if (generation(dataset) != generationAtStart) { // invalidated while storing
            entries.remove(key, e);
            return false;
        }
        return true;
    }

    /** Drops every result of the dataset and fences off queries that started before. */
    public void invalidate(String dataset) {
        generations.computeIfAbsent(dataset, d -> new AtomicLong()).incrementAndGet();
        entries.values().removeIf(e -> e.dataset.equals(dataset));
    }

    public int size() {
        return entries.size();
    }
}
