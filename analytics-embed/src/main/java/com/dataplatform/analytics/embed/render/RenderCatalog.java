package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.area.AreaStore;
import com.dataplatform.analytics.embed.page.MetadataChanged;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.analytics.embed.page.PageStore;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Pages and their current areas as the render path reads them, so a warm render touches no database: an entry
 * older than {@code embed.page-cache-ttl} is served while one background load replaces it ({@link RefreshingCache}).
 * Writes on this instance clear it at once ({@link MetadataChanged}) and no load that started before such a write
 * can put its (old) value back; other instances see an edit within the TTL plus one load. Authorization is never
 * cached: every request's token or JWT is checked against the page's org and id as loaded here.
 */
@Component
public class RenderCatalog implements DisposableBean {

    /** A page with its current areas. */
    public record Loaded(Page page, List<Area> areas) {
    }

    private record SlugKey(String org, String slug) {
    }

    private record AreaKey(String org, UUID area) {
    }

    private static final int MAX_ENTRIES = 10_000;

    private final PageStore pages;
    private final AreaStore areas;
    private final ExecutorService refresher = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "embed-catalog-refresh");
        t.setDaemon(true);
        return t;
    });
    private final RefreshingCache<SlugKey, Loaded> bySlug;
    private final RefreshingCache<AreaKey, Loaded> byArea;

    RenderCatalog(PageStore pages, AreaStore areas, EmbedProperties props) {
        this.pages = pages;
        this.areas = areas;
        long ttl = props.pageCacheTtl().toNanos();
        this.bySlug = new RefreshingCache<>(this::loadBySlug, refresher, ttl, MAX_ENTRIES, System::nanoTime);
        this.byArea = new RefreshingCache<>(this::loadByArea, refresher, ttl, MAX_ENTRIES, System::nanoTime);
    }

    public Optional<Loaded> bySlug(String org, String slug) {
        return bySlug.get(new SlugKey(org, slug));
    }

    /** The page holding the area, with all its areas. */
    public Optional<Loaded> byArea(String org, UUID areaId) {
        return byArea.get(new AreaKey(org, areaId));
    }

    private Optional<Loaded> loadBySlug(SlugKey k) {
        return pages.findBySlug(k.org(), k.slug()).map(p -> new Loaded(p, areas.ofPage(k.org(), p.id())));
    }

    private Optional<Loaded> loadByArea(AreaKey k) {
        return areas.find(k.org(), k.area()).flatMap(a -> pages.find(k.org(), a.pageId()))
                .map(p -> new Loaded(p, areas.ofPage(k.org(), p.id())));
    }

    @EventListener
    void changed(MetadataChanged event) {
        bySlug.invalidateAll();
        byArea.invalidateAll();
    }

    @Override
    public void destroy() {
        refresher.shutdownNow();
    }
}
