package com.dataplatform.stream.distributor.stream;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.net.URI;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The streams API; the org comes only from the caller's token, another org's stream is a 404. */
@RestController
@RequestMapping("/api/streams")
class StreamController {

    private final StreamRegistrar registrar;
    private final StreamStore store;

    StreamController(StreamRegistrar registrar, StreamStore store) {
        this.registrar = registrar;
        this.store = store;
    }

    @PostMapping
    ResponseEntity<Map<String, Object>> create(SuitePrincipal principal, @RequestBody StreamRequest request) {
        Stream s = registrar.register(principal.org(), request);
        return ResponseEntity.created(URI.create("/api/streams/" + s.id())).body(StreamView.of(s));
    }

    @GetMapping
    List<Map<String, Object>> list(SuitePrincipal principal) {
        return store.list(principal.org()).stream().map(StreamView::of).toList();
    }

    @GetMapping("/{id}")
    Map<String, Object> get(SuitePrincipal principal, @PathVariable String id) {
        return StreamView.of(store.find(principal.org(), parse(id)).orElseThrow(() -> notFound(id)));
    }

    @PostMapping("/{id}/pause")
    Map<String, Object> pause(SuitePrincipal principal, @PathVariable String id) {
        return StreamView.of(store.pause(principal.org(), parse(id)).orElseThrow(() -> notFound(id)));
    }

    @PostMapping("/{id}/resume")
    Map<String, Object> resume(SuitePrincipal principal, @PathVariable String id) {
        return StreamView.of(store.resume(principal.org(), parse(id)).orElseThrow(() -> notFound(id)));
    }

    @DeleteMapping("/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(SuitePrincipal principal, @PathVariable String id) {
        if (!store.delete(principal.org(), parse(id))) {
            throw notFound(id);
        }
    }

    private static UUID parse(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw notFound(id);
        }
    }

    private static ApiException notFound(String id) {
        return ApiException.notFound("stream", id);
    }
}
