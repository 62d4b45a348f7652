package com.dataplatform.analytics.embed.page;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.area.AreaStore;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import jakarta.validation.Valid;
import java.net.URI;
import java.util.List;
import java.util.UUID;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/pages")
class PageController {

    private final PageStore pages;
    private final AreaStore areas;
    private final org.springframework.context.ApplicationEventPublisher events;

    PageController(PageStore pages, AreaStore areas, org.springframework.context.ApplicationEventPublisher events) {
        this.pages = pages;
        this.areas = areas;
        this.events = events;
    }

    record Created(UUID id, String slug) {
    }

    record PageView(Page page, List<Area> areas) {
    }

    @PostMapping
    ResponseEntity<Created> create(SuitePrincipal user, @Valid @RequestBody PageRequest request) {
        UUID id = pages.create(user.org(), user.subject(), request);
        return ResponseEntity.created(URI.create("/api/pages/" + id)).body(new Created(id, request.slug()));
    }

    @GetMapping("/{id}")
    PageView get(SuitePrincipal user, @PathVariable UUID id) {
        Page page = pages.find(user.org(), id).orElseThrow(() -> ApiException.notFound("page", id));
        return new PageView(page, areas.ofPage(user.org(), id));
    }

    @PutMapping("/{id}")
    Page update(SuitePrincipal user, @PathVariable UUID id, @Valid @RequestBody PageRequest request) {
        pages.update(user.org(), id, user.subject(), request);
        events.publishEvent(new MetadataChanged());
        return pages.find(user.org(), id).orElseThrow(() -> ApiException.notFound("page", id));
    }

    @DeleteMapping("/{id}")
    ResponseEntity<Void> delete(SuitePrincipal user, @PathVariable UUID id) {
        if (!pages.delete(user.org(), id)) {
            throw ApiException.notFound("page", id);
        }
        events.publishEvent(new MetadataChanged());
        return ResponseEntity.noContent().build();
    }
}
