package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.analytics.embed.access.AccessDenied;
import com.dataplatform.analytics.embed.access.EmbedAccess;
import com.dataplatform.analytics.embed.access.Viewer;
import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.data.AreaData;
import com.dataplatform.analytics.embed.data.AreaUnavailable;
import com.dataplatform.analytics.embed.lake.QueryResult;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.common.web.ApiException;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/embeds/{id}/data}: the area's rows as JSON, under exactly the same checks as the HTML routes — a
 * token's page must own the area and its row filters are applied (the scope bypass of Superset #26201 cannot
 * happen here because this route has no other way in).
 */
@RestController
class DataController {

    private final EmbedAccess access;
    private final RenderCatalog catalog;
    private final AreaData data;
    private final long timeoutMs;

    DataController(EmbedAccess access, RenderCatalog catalog, AreaData data, EmbedProperties props) {
        this.access = access;
        this.catalog = catalog;
        this.data = data;
        this.timeoutMs = props.areaTimeout().toMillis();
    }

    record AreaRows(UUID area, int version, String title, String visualization, Map<String, String> filters,
            List<String> columns, List<List<Object>> rows) {
    }

    @GetMapping("/api/embeds/{id}/data")
    ResponseEntity<AreaRows> data(@PathVariable String id, HttpServletRequest request) throws InterruptedException {
        Viewer viewer;
        try {
            viewer = access.resolve(request);
        } catch (AccessDenied e) {
            throw new ApiException(e.status(), e.title(), e.getMessage(), null);
        }
        UUID areaId;
        try {
            areaId = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("embed area", id);
        }
        RenderCatalog.Loaded loaded = catalog.byArea(viewer.org(), areaId)
                .orElseThrow(() -> ApiException.notFound("embed area", id));
        Page page = loaded.page();
        Area area = loaded.areas().stream().filter(a -> a.id().equals(areaId)).findFirst()
                .orElseThrow(() -> ApiException.notFound("embed area", id));
        if (!viewer.maySee(page.org(), page.id())) {
            throw ApiException.notFound("embed area", id);
        }
        QueryResult r;
        try {
            r = data.fetch(area, viewer.filters()).get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new ApiException(HttpStatus.GATEWAY_TIMEOUT, "Timeout", "the area's data took too long", null);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AreaUnavailable u) {
                throw u.filtersDenied()
                        ? new ApiException(HttpStatus.FORBIDDEN, "Forbidden", u.getMessage(), "token")
                        : ApiException.unprocessable("dataset", u.getMessage());
            }
            throw new IllegalStateException("area query failed", e.getCause());
        }
        return ResponseEntity.ok().header("Cache-Control", "no-store")
                .body(new AreaRows(area.id(), area.version(), area.spec().title(), area.spec().visualization(),
                        viewer.filters(), r.columns(), r.rows()));
    }
}
