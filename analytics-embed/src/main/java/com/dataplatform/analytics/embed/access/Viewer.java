package com.dataplatform.analytics.embed.access;

import java.util.Map;
import java.util.UUID;

/**
 * Who is looking: a user of {@code org} (bearer JWT; sees the org's pages unfiltered) or a signed embed token
 * holder (only {@code tokenPage}, with {@code filters} AND-ed into every query).
 */
public record Viewer(String org, UUID tokenPage, Map<String, String> filters) {

    public Viewer {
        filters = Map.copyOf(filters);
    }

    public boolean viaToken() {
        return tokenPage != null;
    }

    public boolean maySee(String pageOrg, UUID pageId) {
        return org.equals(pageOrg) && (tokenPage == null || tokenPage.equals(pageId));
    }
}
