package com.dataplatform.analytics.embed.area;

import java.time.OffsetDateTime;
import java.util.UUID;

/** An embed area at its current version. */
public record Area(UUID id, UUID pageId, String org, int version, AreaSpec spec, String updatedBy,
        OffsetDateTime updatedAt) {
}
