package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.security.SuitePrincipal;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code /api/extractions}: start (202 with the watermark), status and progress, cancel. */
@RestController
class ExtractionController {

    private final Extractions extractions;

    ExtractionController(Extractions extractions) {
        this.extractions = extractions;
    }

    @PostMapping("/api/extractions")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Map<String, Object> start(@RequestBody JsonNode body, SuitePrincipal principal) {
        ExtractionJob job = extractions.start(principal.org(), body);
        return Map.of("id", job.id(), "status", job.status(), "watermark", job.watermark());
    }

    @GetMapping("/api/extractions/{id}")
    Map<String, Object> get(@PathVariable UUID id, SuitePrincipal principal) {
        return view(extractions.get(principal.org(), id));
    }

    @PostMapping("/api/extractions/{id}/cancel")
    Map<String, Object> cancel(@PathVariable UUID id, SuitePrincipal principal) {
        return view(extractions.cancel(principal.org(), id));
    }

    private Map<String, Object> view(ExtractionJob job) {
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", job.id());
        v.put("org", job.org());
        v.put("group", job.wholeOrg() ? Map.of() : Map.of("userIds", job.userIds()));
        v.put("entities", job.entities());
        v.put("chunkSize", job.chunkSize());
        v.put("status", job.status());
        v.put("watermark", job.watermark());
        v.put("progress", Map.of("chunksDone", job.chunksDone(), "chunksTotal", job.chunksTotal(),
                "rowsSent", job.rowsSent(), "currentEntity", job.entityIndex() < job.entities().size()
                        ? job.entities().get(job.entityIndex()) : "")); 
        v.put("position", job.status() == JobStatus.STREAMING ? job.position() : job.watermark());
        v.put("lag", extractions.lag(job));
        if (job.error() != null) {
            v.put("error", job.error());
        }
        v.put("createdAt", job.createdAt());
        v.put("updatedAt", job.updatedAt());
        return v;
    }
}
