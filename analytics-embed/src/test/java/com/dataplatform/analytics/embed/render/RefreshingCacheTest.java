package com.dataplatform.analytics.embed.render;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The render catalog's cache: stale values never survive an invalidation; readers never wait for a refresh. */
class RefreshingCacheTest {

    private static final long TTL = TimeUnit.SECONDS.toNanos(1);

    private final AtomicLong clock = new AtomicLong(1_000_000);
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final ExecutorService refresher = Executors.newSingleThreadExecutor();

    /** Loads "v<n>" on the n-th call; a call may be held at {@code hold} after signalling {@code started}. */
    private final class Loader implements Function<String, Optional<String>> {
        final AtomicInteger calls = new AtomicInteger();
        volatile int holdCall = -1;
        final CountDownLatch started = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        volatile String database = "v";

        @Override
        public Optional<String> apply(String key) {
            int n = calls.incrementAndGet();
            String value = database + n; // "read" before waiting: the row as it was when the load started
            if (n == holdCall) {
                started.countDown();
                await(release);
            }
            return Optional.of(value);
        }
    }

    @AfterEach
    void stop() {
        pool.shutdownNow();
        refresher.shutdownNow();
    }

    @Test
    void a_load_that_started_before_an_invalidation_never_stores_its_value() throws Exception {
        Loader loader = new Loader();
        loader.holdCall = 1;
        RefreshingCache<String, String> cache = new RefreshingCache<>(loader, pool, TTL, 100, clock::get);

        CompletableFuture<Optional<String>> racing = CompletableFuture.supplyAsync(() -> cache.get("k"), pool);
        assertThat(loader.started.await(30, TimeUnit.SECONDS)).isTrue(); // the load read the old row
        loader.database = "edited-";
        cache.invalidateAll();                                           // the edit commits and invalidates
        loader.release.countDown();
        assertThat(racing.get(30, TimeUnit.SECONDS)).contains("v1");     // that request raced the edit: fine

        assertThat(cache.get("k")).contains("edited-2");                 // but its value was never stored
        assertThat(cache.get("k")).contains("edited-2");
        assertThat(loader.calls).hasValue(2);
    }

    @Test
    void a_background_refresh_that_started_before_an_invalidation_never_stores_its_value() throws Exception {
        Loader loader = new Loader();
        loader.holdCall = 2;
        RefreshingCache<String, String> cache = new RefreshingCache<>(loader, refresher, TTL, 100, clock::get);
        assertThat(cache.get("k")).contains("v1");

        clock.addAndGet(TTL);
        assertThat(cache.get("k")).contains("v1");                      // expired: served, refresh started
        assertThat(loader.started.await(30, TimeUnit.SECONDS)).isTrue();
        loader.database = "edited-";
        cache.invalidateAll();
        loader.release.countDown();

        assertThat(cache.get("k")).contains("edited-3");
        refresher.submit(() -> { }).get(30, TimeUnit.SECONDS);          // the held refresh has finished
        assertThat(cache.get("k")).contains("edited-3");                 // its "v2" was dropped, not stored
        assertThat(loader.calls).hasValue(3);
    }

    @Test
    void readers_get_the_old_value_while_one_refresh_runs_in_the_background() throws Exception {
        Loader loader = new Loader();
        loader.holdCall = 2;
        RefreshingCache<String, String> cache = new RefreshingCache<>(loader, pool, TTL, 100, clock::get);
        assertThat(cache.get("k")).contains("v1");
        clock.addAndGet(TTL);

        for (int i = 0; i < 50; i++) {
            assertThat(cache.get("k")).contains("v1");                  // never waits for the held refresh
        }
        assertThat(loader.started.await(30, TimeUnit.SECONDS)).isTrue();
        assertThat(loader.calls).as("one refresh at a time per key").hasValue(2);
        loader.release.countDown();
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> cache.get("k").equals(Optional.of("v2")));
        assertThat(loader.calls).hasValue(2);
    }

    @Test
    void a_key_that_no_longer_exists_is_removed_by_its_refresh() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        RefreshingCache<String, String> cache = new RefreshingCache<>(
                k -> calls.incrementAndGet() == 1 ? Optional.of("page") : Optional.empty(), Runnable::run, TTL, 100,
                clock::get);
        assertThat(cache.get("k")).contains("page");
        clock.addAndGet(TTL);
        assertThat(cache.get("k")).contains("page");                    // refresh ran inline, found nothing
        assertThat(cache.size()).isZero();
        assertThat(cache.get("k")).isEmpty();
    }

    @Test
    void a_failed_refresh_keeps_serving_the_previous_value() {
        AtomicInteger calls = new AtomicInteger();
        RefreshingCache<String, String> cache = new RefreshingCache<>(k -> {
            if (calls.incrementAndGet() > 1) {
                throw new IllegalStateException("database down");
            }
            return Optional.of("page");
        }, Runnable::run, TTL, 100, clock::get);
        assertThat(cache.get("k")).contains("page");
        clock.addAndGet(TTL);
        assertThat(cache.get("k")).contains("page");
        assertThat(cache.get("k")).contains("page");
        assertThat(calls).hasValue(3);                                   // retried on each later read
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("not released");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
