package com.dataplatform.analytics.embed.data;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.analytics.embed.lake.QueryResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ResultCacheTest {

    final ResultCache cache = new ResultCache(Duration.ofMinutes(1), 100);
    final QueryResult rows = new QueryResult(List.of("a"), List.of(List.of(1L)));

    @Test
    void a_result_computed_before_an_invalidation_is_not_stored() {
        ResultCache.Key key = new ResultCache.Key(UUID.randomUUID(), 1, Map.of());
        long generation = cache.generation("acme.sales");
        cache.invalidate("acme.sales"); // DatasetUpdated arrives while the query runs
        assertThat(cache.put(key, "acme.sales", generation, rows)).isFalse();
        assertThat(cache.get(key)).isNull();
    }

    @Test
    void invalidation_drops_only_that_datasets_results() {
        ResultCache.Key sales = new ResultCache.Key(UUID.randomUUID(), 1, Map.of("region", "north"));
        ResultCache.Key other = new ResultCache.Key(UUID.randomUUID(), 1, Map.of());
        cache.put(sales, "acme.sales", cache.generation("acme.sales"), rows);
        cache.put(other, "beta.sales", cache.generation("beta.sales"), rows);
        cache.invalidate("acme.sales");
        assertThat(cache.get(sales)).isNull();
        assertThat(cache.get(other)).isEqualTo(rows);
    }

    @Test
    void filters_are_part_of_the_key() {
        UUID area = UUID.randomUUID();
        cache.put(new ResultCache.Key(area, 1, Map.of("region", "north")), "acme.sales", 0, rows);
        assertThat(cache.get(new ResultCache.Key(area, 1, Map.of()))).isNull();
        assertThat(cache.get(new ResultCache.Key(area, 2, Map.of("region", "north")))).isNull();
        assertThat(cache.get(new ResultCache.Key(area, 1, Map.of("region", "north")))).isEqualTo(rows);
    }
}
