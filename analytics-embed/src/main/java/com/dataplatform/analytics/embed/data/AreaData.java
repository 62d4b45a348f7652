package com.dataplatform.analytics.embed.data;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.lake.LakeColumn;
import com.dataplatform.analytics.embed.lake.LakeReader;
import com.dataplatform.analytics.embed.lake.QueryPlanner;
import com.dataplatform.analytics.embed.lake.QueryResult;
import com.dataplatform.analytics.embed.lake.SpecProblem;
import com.dataplatform.analytics.embed.lake.SqlQuery;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;

/**
 * An area's rows for a viewer's filters: from the cache, or planned against the dataset's current columns and
 * run on the read-only lake pool in the render executor. Concurrent misses of one key share one query.
 */
public class AreaData {

    private final LakeReader lake;
    private final ResultCache cache;
    private final Executor executor;
    private final Map<InFlight, CompletableFuture<QueryResult>> inFlight = new ConcurrentHashMap<>();

    public AreaData(LakeReader lake, ResultCache cache, Executor executor) {
        this.lake = lake;
        this.cache = cache;
        this.executor = executor;
    }

    /** Fails with {@link AreaUnavailable} if the filters are not allowed here or the dataset no longer fits. */
    public CompletableFuture<QueryResult> fetch(Area area, Map<String, String> filters) {
        for (String column : filters.keySet()) {
            if (!area.spec().allowedFilterColumns().contains(column)) {
                return CompletableFuture.failedFuture(
                        new AreaUnavailable("This chart cannot be shown with this link's filters.", true));
            }
        }
        ResultCache.Key key = new ResultCache.Key(area.id(), area.version(), new TreeMap<>(filters));
        QueryResult hit = cache.get(key);
        if (hit != null) {
            return CompletableFuture.completedFuture(hit);
        }
        // requests share a running query only within one dataset generation: one that arrives after an
        // invalidation starts its own instead of joining a query that may read the old rows
        String dataset = ResultCache.dataset(area.org(), area.spec().dataset());
        long generation = cache.generation(dataset);
        InFlight flight = new InFlight(key, generation);
        CompletableFuture<QueryResult> f = inFlight.computeIfAbsent(flight, k -> CompletableFuture.supplyAsync(() -> {
            QueryResult r = lake.run(plan(area, filters));
            cache.put(key, dataset, generation, r);
            return r;
        }, executor));
        // registered outside computeIfAbsent: a future that is already complete runs this at once
        f.whenComplete((r, e) -> inFlight.remove(flight, f));
        return f;
    }

    private record InFlight(ResultCache.Key key, long generation) {
    }

    private SqlQuery plan(Area area, Map<String, String> filters) {
        Map<String, LakeColumn> columns = lake.columns(area.org(), area.spec().dataset())
                .orElseThrow(() -> new AreaUnavailable("The data for this chart is not available.", false));
        try {
            return QueryPlanner.plan(area.org(), area.spec(), columns, filters);
        } catch (SpecProblem p) {
            throw new AreaUnavailable("The data for this chart no longer matches its definition.", false);
        }
    }
}
