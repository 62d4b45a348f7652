package com.dataplatform.dataflow.scheduler.dataset;

import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.List;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/datasets")
class DatasetController {

    private final DatasetStore store;

    DatasetController(DatasetStore store) {
        this.store = store;
    }

    @PutMapping(path = "/{name}", consumes = {"text/csv", MediaType.TEXT_PLAIN_VALUE})
    DatasetInfo put(SuitePrincipal principal, @PathVariable String name, @RequestBody(required = false) String body) {
        if (!com.dataplatform.common.lake.LakeNames.isDataset(name)) {
            throw ApiException.invalid("name", "dataset name must match [a-z][a-z0-9_]{0,62}");
        }
        return store.replace(principal.org(), name, CsvTable.parse(body));
    }

    @GetMapping
    List<DatasetInfo> list(SuitePrincipal principal) {
        return store.list(principal.org());
    }

    @GetMapping("/{name}")
    DatasetInfo get(SuitePrincipal principal, @PathVariable String name) {
        return store.find(principal.org(), name).orElseThrow(() -> ApiException.notFound("dataset", name));
    }

    @GetMapping("/{name}/rows")
    List<Map<String, Object>> rows(SuitePrincipal principal, @PathVariable String name,
            @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > 10_000) {
            throw ApiException.invalid("limit", "limit must be between 1 and 10000");
        }
        return store.rows(principal.org(), name, limit);
    }
}
