package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.access.AccessDenied;
import com.dataplatform.analytics.embed.access.EmbedAccess;
import com.dataplatform.analytics.embed.access.Viewer;
import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.analytics.embed.page.PageStore;
import jakarta.servlet.http.HttpServletRequest;
import java.util.List;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;

/** {@code GET /p/{slug}} and {@code GET /embed/{areaId}}: server-rendered HTML, errors as plain HTML pages. */
@Controller
class BrowserController {

    private static final Logger log = LoggerFactory.getLogger(BrowserController.class);

    private final EmbedAccess access;
    private final RenderCatalog catalog;
    private final PageStore pages;
    private final AreaRunner runner;
    private final PageHtml html;

    BrowserController(EmbedAccess access, RenderCatalog catalog, PageStore pages, AreaRunner runner, PageHtml html) {
        this.access = access;
        this.catalog = catalog;
        this.pages = pages;
        this.runner = runner;
        this.html = html;
    }

    @GetMapping("/p/{slug}")
    ResponseEntity<String> page(@PathVariable String slug, HttpServletRequest request) {
        Viewer viewer = access.resolve(request);
        if (!slug.matches("[a-z0-9][a-z0-9-]{0,62}")) {
            throw AccessDenied.notFound();
        }
        RenderCatalog.Loaded loaded = catalog.bySlug(viewer.org(), slug).orElseThrow(AccessDenied::notFound);
        Page page = loaded.page();
        if (!viewer.maySee(page.org(), page.id())) {
            throw new AccessDenied(HttpStatus.FORBIDDEN, "Wrong link", "This link is for another page.");
        }
        List<AreaOutcome> outcomes = runner.run(loaded.areas(), viewer);
        return BrowserHeaders.html(HttpStatus.OK, html.page(page, outcomes), page.allowedOrigins());
    }

    @GetMapping("/embed/{areaId}")
    ResponseEntity<String> area(@PathVariable String areaId, HttpServletRequest request) {
        Viewer viewer = access.resolve(request);
        UUID id = uuid(areaId);
        RenderCatalog.Loaded loaded = catalog.byArea(viewer.org(), id).orElseThrow(AccessDenied::notFound);
        Page page = loaded.page();
        Area area = loaded.areas().stream().filter(a -> a.id().equals(id)).findFirst()
                .orElseThrow(AccessDenied::notFound);
        if (!viewer.maySee(page.org(), page.id())) {
            throw new AccessDenied(HttpStatus.FORBIDDEN, "Wrong link", "This link is for another page.");
        }
        AreaOutcome outcome = runner.run(List.of(area), viewer).get(0);
        return BrowserHeaders.html(HttpStatus.OK, html.area(outcome), page.allowedOrigins());
    }

    @ExceptionHandler(AccessDenied.class)
    ResponseEntity<String> denied(AccessDenied e) {
        // an authentic but expired token's page may frame its own error page (so an embed shows "expired", not a
        // blocked frame); every other error page may not be framed at all
        List<String> origins = e.pageId() == null ? List.of()
                : pages.find(e.pageOrg(), e.pageId()).map(Page::allowedOrigins).orElse(List.of());
        return BrowserHeaders.html(e.status(), html.error(e.status().value(), e.title(), e.getMessage()), origins);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<String> failed(Exception e) {
        log.error("browser route failed", e);
        return BrowserHeaders.html(HttpStatus.INTERNAL_SERVER_ERROR,
                html.error(500, "Something went wrong", "This page could not be shown. Try again later."), List.of());
    }

    static UUID uuid(String text) {
        try {
            return UUID.fromString(text);
        } catch (IllegalArgumentException e) {
            throw AccessDenied.notFound();
        }
    }
}
