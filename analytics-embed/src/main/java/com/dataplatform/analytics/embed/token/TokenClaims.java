package com.dataplatform.analytics.embed.token;

import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * What a signed embed token allows: one page of one org, with row-level filters AND-ed into every query.
 * {@code sessionStartedAt} is when the first token of its refresh chain was issued (refreshing keeps it), which bounds
 * how long the chain can be renewed.
 */
public record TokenClaims(String org, UUID pageId, Map<String, String> filters, Instant issuedAt,
        Instant expiresAt, Instant sessionStartedAt) {

    public TokenClaims {
        filters = java.util.Collections.unmodifiableMap(new TreeMap<>(filters));
        sessionStartedAt = sessionStartedAt == null ? issuedAt : sessionStartedAt;
    }

    /** A token that starts its own chain. */
    public TokenClaims(String org, UUID pageId, Map<String, String> filters, Instant issuedAt, Instant expiresAt) {
        this(org, pageId, filters, issuedAt, expiresAt, issuedAt);
    }
}
