package com.dataplatform.dataflow.scheduler.definition;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.List;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

@RestController
@RequestMapping("/api/dataflows")
class DataflowController {

    private final DataflowStore store;

    DataflowController(DataflowStore store) {
        this.store = store;
    }

    @PostMapping
    @ResponseStatus(HttpStatus.CREATED)
    DataflowVersion create(SuitePrincipal principal, @RequestBody JsonNode body) {
        return store.create(principal.org(), body);
    }

    @PutMapping("/{id}")
    DataflowVersion update(SuitePrincipal principal, @PathVariable String id, @RequestBody JsonNode body) {
        return store.update(principal.org(), uuid(id), body);
    }

    @GetMapping
    List<DataflowVersion> list(SuitePrincipal principal) {
        return store.list(principal.org());
    }

    @GetMapping("/{id}")
    DataflowVersion get(SuitePrincipal principal, @PathVariable String id) {
        return store.current(principal.org(), uuid(id)).orElseThrow(() -> ApiException.notFound("dataflow", id));
    }

    @GetMapping("/{id}/versions")
    List<DataflowVersion> versions(SuitePrincipal principal, @PathVariable String id) {
        List<DataflowVersion> all = store.versions(principal.org(), uuid(id));
        if (all.isEmpty()) {
            throw ApiException.notFound("dataflow", id);
        }
        return all;
    }

    static UUID uuid(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            throw ApiException.notFound("dataflow", id);
        }
    }
}
