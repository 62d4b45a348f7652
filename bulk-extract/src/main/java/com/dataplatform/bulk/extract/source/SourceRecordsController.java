package com.dataplatform.bulk.extract.source;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import java.util.Map;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;
import tools.jackson.databind.json.JsonMapper;

/** {@code POST /api/sources/{entity}/records}: upserts and deletes of the caller's org, one transaction per batch. */
@RestController
class SourceRecordsController {

    private final SourceTables tables;
    private final SourceWriter writer;
    private final ExtractProperties props;
    /** Decimals as written (a double would turn 1e400 into Infinity and round 0.10000000000000000555 to 0.1). */
    private final ObjectReader exact;

    SourceRecordsController(SourceTables tables, SourceWriter writer, ExtractProperties props, JsonMapper json) {
        this.tables = tables;
        this.writer = writer;
        this.props = props;
        this.exact = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    @PostMapping("/api/sources/{entity}/records")
    Map<String, Integer> write(@PathVariable String entity, @RequestBody String body, SuitePrincipal principal) {
        if (!tables.exists(entity)) {
            throw ApiException.invalid("entity", "unknown entity '" + entity + "'; known: " + tables.entities());
        }
        JsonNode tree;
        try {
            tree = exact.readTree(body);
        } catch (JacksonException e) {
            throw ApiException.invalid("$", "malformed JSON: " + e.getOriginalMessage());
        }
        RecordBatch batch = RecordBatch.parse(tree, props.maxBatchItems());
        writer.apply(principal.org(), entity, batch);
        return batch.counts();
    }
}
