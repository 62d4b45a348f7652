package com.dataplatform.analytics.embed.token;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/** What a signed embed token allows: one page of one org, with row-level filters AND-ed into every query. */
public record TokenClaims(String org, UUID pageId, Map<String, String> filters, Instant issuedAt,
        Instant expiresAt) {

    public TokenClaims {
        filters = java.util.Collections.unmodifiableMap(new TreeMap<>(filters));
    }
}
