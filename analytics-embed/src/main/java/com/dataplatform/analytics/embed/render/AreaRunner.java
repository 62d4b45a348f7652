package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.analytics.embed.access.Viewer;
import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.data.AreaData;
import com.dataplatform.analytics.embed.data.AreaUnavailable;
import com.dataplatform.analytics.embed.lake.QueryResult;
import com.dataplatform.analytics.embed.views.EmbedViewed;
import com.dataplatform.analytics.embed.views.ViewEvents;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Fetches the data of a page's areas in parallel, each with the same time budget from the request's start: an area
 * that fails or is still running when its budget ends becomes its own placeholder, the others render. A timed-out
 * query keeps running and fills the cache, so the next view shows it.
 */
@Component
public class AreaRunner {

    private static final Logger log = LoggerFactory.getLogger(AreaRunner.class);

    private final AreaData data;
    private final ViewEvents views;
    private final long budgetNanos;

    private static final java.time.Duration[] BUCKETS = java.util.stream.LongStream
            .of(1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000).mapToObj(java.time.Duration::ofMillis)
            .toArray(java.time.Duration[]::new);

    private final io.micrometer.core.instrument.MeterRegistry meters;
    private final java.util.Map<String, io.micrometer.core.instrument.Timer> timers =
            new java.util.concurrent.ConcurrentHashMap<>();

    AreaRunner(AreaData data, ViewEvents views, EmbedProperties props,
            io.micrometer.core.instrument.MeterRegistry meters) {
        this.data = data;
        this.views = views;
        this.budgetNanos = props.areaTimeout().toNanos();
        this.meters = meters;
        for (String outcome : new String[] {"ok", "error", "timeout"}) {
            timer(outcome); // exported from start-up, at zero
        }
    }

    /**
     * {@code embed.area.render{outcome}} with fixed histogram buckets around the render budget, so dashboards can
     * show percentiles ({@code histogram_quantile} over {@code embed_area_render_seconds_bucket}).
     */
    private io.micrometer.core.instrument.Timer timer(String outcome) {
        return timers.computeIfAbsent(outcome, o -> io.micrometer.core.instrument.Timer.builder("embed.area.render")
                .description("time to render one embed area, by outcome").tag("outcome", o)
                .serviceLevelObjectives(BUCKETS).register(meters));
    }

    private record Done(QueryResult result, Throwable error, long at) {
    }

    public List<AreaOutcome> run(List<Area> areas, Viewer viewer) {
        long start = System.nanoTime();
        List<CompletableFuture<Done>> futures = new ArrayList<>();
        for (Area a : areas) {
            CompletableFuture<QueryResult> f;
            try {
                f = data.fetch(a, viewer.filters());
            } catch (RuntimeException e) { // e.g. executor queue full
                f = CompletableFuture.failedFuture(e);
            }
            futures.add(f.handle((r, e) -> new Done(r, e, System.nanoTime())));
        }
        long deadline = start + budgetNanos;
        List<AreaOutcome> out = new ArrayList<>();
        for (int i = 0; i < areas.size(); i++) {
            Area a = areas.get(i);
            AreaOutcome o;
            try {
                Done d = futures.get(i).get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                long ms = TimeUnit.NANOSECONDS.toMillis(d.at - start);
                o = d.error == null ? new AreaOutcome.Shown(a, d.result, ms) : failed(a, d.error, ms);
            } catch (TimeoutException e) {
                o = new AreaOutcome.TimedOut(a, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                o = new AreaOutcome.TimedOut(a, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            } catch (ExecutionException e) {
                o = failed(a, e.getCause(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            }
            out.add(o);
            timer(o.state()).record(o.durationMs(), TimeUnit.MILLISECONDS);
            views.viewed(new EmbedViewed(a.pageId(), a.id(), a.org(), o.durationMs(), o.state(), viewer.viaToken()));
        }
        return out;
    }

    private static AreaOutcome failed(Area a, Throwable error, long ms) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        if (cause instanceof AreaUnavailable u) {
            return new AreaOutcome.Failed(a, u.getMessage(), ms);
        }
        log.warn("area {} failed: {}", a.id(), cause.toString());
        return new AreaOutcome.Failed(a, "This chart could not be loaded.", ms);
    }
}
