package com.dataplatform.analytics.embed.views;

import java.util.UUID;

/** Published on {@code embed.views} for every render of an area. */
public record EmbedViewed(UUID page, UUID area, String org, long durationMs, String outcome, boolean viaToken) {
}
