package com.dataplatform.analytics.embed.page;

import com.dataplatform.common.web.ApiException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Checks and normalizes the origins a page may be framed from (they go into CSP {@code frame-ancestors}). */
final class Origins {

    private Origins() {
    }

    static List<String> normalize(List<String> origins) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < origins.size(); i++) {
            String o = normalize(origins.get(i), "allowedOrigins[" + i + "]");
            if (!out.contains(o)) {
                out.add(o);
            }
        }
        return out;
    }

    private static String normalize(String text, String field) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (java.net.URISyntaxException e) {
            throw ApiException.invalid(field, "not an origin (scheme://host[:port]): " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw ApiException.invalid(field, "an origin must be http or https");
        }
        String host = uri.getHost();
        if (host == null || uri.getRawUserInfo() != null || uri.getRawQuery() != null || uri.getRawFragment() != null
                || (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/"))) {
            throw ApiException.invalid(field, "an origin is scheme://host[:port], without path, query or credentials");
        }
        if (!host.matches("[A-Za-z0-9.-]+|\\[[0-9A-Fa-f:.]+\\]")) {
            throw ApiException.invalid(field, "invalid host in origin");
        }
        return scheme + "://" + host.toLowerCase(Locale.ROOT) + (uri.getPort() >= 0 ? ":" + uri.getPort() : "");
    }
}
