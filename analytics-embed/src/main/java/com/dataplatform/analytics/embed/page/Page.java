package com.dataplatform.analytics.embed.page;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.UUID;

/** A page: markdown blocks and embed areas; served under {@code /p/{slug}} (slugs are unique within an org). */
public record Page(UUID id, String org, String slug, String title, List<Block> blocks, List<String> allowedOrigins,
        String updatedBy, OffsetDateTime updatedAt) {

    public Page {
        blocks = List.copyOf(blocks);
        allowedOrigins = List.copyOf(allowedOrigins);
    }
}
