package com.dataplatform.analytics.embed.area;

import com.dataplatform.analytics.embed.page.MetadataChanged;
import com.dataplatform.common.security.SuitePrincipal;
import org.springframework.context.ApplicationEventPublisher;
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
import org.springframework.web.bind.annotation.RestController;

@RestController
class AreaController {

    private final AreaEditor editor;
    private final AreaStore areas;
    private final ApplicationEventPublisher events;

    AreaController(AreaEditor editor, AreaStore areas, ApplicationEventPublisher events) {
        this.editor = editor;
        this.areas = areas;
        this.events = events;
    }

    record Saved(UUID id, int version) {
    }

    @PostMapping("/api/pages/{pageId}/embeds")
    ResponseEntity<Saved> create(SuitePrincipal user, @PathVariable UUID pageId, @Valid @RequestBody AreaSpec spec) {
        Area area = editor.create(user.org(), user.subject(), pageId, spec);
        events.publishEvent(new MetadataChanged());
        return ResponseEntity.created(URI.create("/api/embeds/" + area.id())).body(new Saved(area.id(), area.version()));
    }

    @GetMapping("/api/embeds/{id}")
    Area get(SuitePrincipal user, @PathVariable UUID id) {
        return areas.find(user.org(), id).orElseThrow(() -> ApiException.notFound("embed area", id));
    }

    @PutMapping("/api/embeds/{id}")
    Saved update(SuitePrincipal user, @PathVariable UUID id, @Valid @RequestBody AreaSpec spec) {
        Area area = editor.update(user.org(), user.subject(), id, spec);
        events.publishEvent(new MetadataChanged());
        return new Saved(area.id(), area.version());
    }

    @GetMapping("/api/embeds/{id}/versions")
    List<AreaVersion> versions(SuitePrincipal user, @PathVariable UUID id) {
        Area area = get(user, id);
        return areas.versions(area.id());
    }

    @DeleteMapping("/api/embeds/{id}")
    ResponseEntity<Void> delete(SuitePrincipal user, @PathVariable UUID id) {
        if (!areas.delete(user.org(), id)) {
            throw ApiException.notFound("embed area", id);
        }
        events.publishEvent(new MetadataChanged());
        return ResponseEntity.noContent().build();
    }
}
