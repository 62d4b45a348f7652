package com.dataplatform.analytics.embed.area;

import java.time.OffsetDateTime;

/** One entry of an area's history: who saved which metadata when. */
public record AreaVersion(int version, AreaSpec spec, String createdBy, OffsetDateTime createdAt) {
}
