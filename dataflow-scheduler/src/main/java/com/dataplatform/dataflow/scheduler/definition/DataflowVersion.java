package com.dataplatform.dataflow.scheduler.definition;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.JsonNode;

/** An immutable stored version of a dataflow, with the datasets it reads and writes. */
public record DataflowVersion(UUID id, String name, String type, int version, List<String> reads,
        List<String> writes, JsonNode nodes, OffsetDateTime createdAt) {
}
