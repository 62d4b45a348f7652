package com.dataplatform.bulk.extract.source;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code POST /api/sources/{entity}/records}: upserts and deletes of the caller's org, one transaction per batch. */
@RestController
class SourceRecordsController {

    private final SourceTables tables;
    private final SourceWriter writer;
    private final ExtractProperties props;

    SourceRecordsController(SourceTables tables, SourceWriter writer, ExtractProperties props) {
        this.tables = tables;
        this.writer = writer;
        this.props = props;
    }

    @PostMapping("/api/sources/{entity}/records")
    Map<String, Integer> write(@PathVariable String entity, @RequestBody JsonNode body, SuitePrincipal principal) {
        if (!tables.exists(entity)) {
            throw ApiException.invalid("entity", "unknown entity '" + entity + "'; known: " + tables.entities());
        }
        RecordBatch batch = RecordBatch.parse(body, props.maxBatchItems());
        writer.apply(principal.org(), entity, batch);
        return batch.counts();
    }
}
