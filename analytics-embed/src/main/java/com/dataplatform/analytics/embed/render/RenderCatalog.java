package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.area.AreaStore;
import com.dataplatform.analytics.embed.page.MetadataChanged;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.analytics.embed.page.PageStore;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Pages and their current areas as the render path reads them, kept for {@code embed.page-cache-ttl} so a warm
 * render touches no database. Writes on this instance clear it at once ({@link MetadataChanged}); other instances
 * see an edit within the TTL. Authorization is never cached: every request's token or JWT is checked against the
 * page's org and id as loaded here.
 */
@Component
public class RenderCatalog {

    /** A page with its current areas. */
    public record Loaded(Page page, List<Area> areas) {
    }

    private record Entry(Loaded value, long at) {
    }

    private final PageStore pages;
    private final AreaStore areas;
    private final long ttlNanos;
    private final Map<String, Entry> bySlug = new ConcurrentHashMap<>();
    private final Map<String, Entry> byArea = new ConcurrentHashMap<>();

    RenderCatalog(PageStore pages, AreaStore areas, EmbedProperties props) {
        this.pages = pages;
        this.areas = areas;
        this.ttlNanos = props.pageCacheTtl().toNanos();
    }

    public Optional<Loaded> bySlug(String org, String slug) {
        return cached(bySlug, org + "/" + slug, () -> pages.findBySlug(org, slug)
                .map(p -> new Loaded(p, areas.ofPage(org, p.id()))).orElse(null));
    }

    /** The page holding the area, with all its areas. */
    public Optional<Loaded> byArea(String org, UUID areaId) {
        return cached(byArea, org + "/" + areaId, () -> areas.find(org, areaId)
                .flatMap(a -> pages.find(org, a.pageId()))
                .map(p -> new Loaded(p, areas.ofPage(org, p.id()))).orElse(null));
    }

    private Optional<Loaded> cached(Map<String, Entry> map, String key, Supplier<Loaded> load) {
        Entry e = map.get(key);
        long now = System.nanoTime();
        if (e != null && now - e.at < ttlNanos) {
            return Optional.of(e.value);
        }
        Loaded value = load.get();
        if (value == null) {
            map.remove(key);
            return Optional.empty();
        }
        if (map.size() > 10_000) {
            map.clear();
        }
        map.put(key, new Entry(value, now));
        return Optional.of(value);
    }

    @EventListener
    void changed(MetadataChanged event) {
        bySlug.clear();
        byArea.clear();
    }
}
