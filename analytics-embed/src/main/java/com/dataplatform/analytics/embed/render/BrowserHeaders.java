package com.dataplatform.analytics.embed.render;

import java.util.List;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

/** Headers of every page, area and error response of the browser routes. */
final class BrowserHeaders {

    private BrowserHeaders() {
    }

    /**
     * CSP: no scripts, objects or foreign resources at all; styles from this origin (plus the grid's inline
     * style attributes); framing only by the page's allowed origins ({@code 'none'} if it has none). Never cached
     * (token URLs and per-user content), no referrer (the token is in the URL).
     */
    static ResponseEntity<String> html(HttpStatusCode status, String body, List<String> frameAncestors) {
        String ancestors = frameAncestors.isEmpty() ? "'none'" : String.join(" ", frameAncestors);
        HttpHeaders h = new HttpHeaders();
        h.setContentType(new MediaType("text", "html", java.nio.charset.StandardCharsets.UTF_8));
        h.set("Content-Security-Policy", "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                + "base-uri 'none'; form-action 'none'; frame-ancestors " + ancestors);
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Cache-Control", "no-store");
        h.set("Referrer-Policy", "no-referrer");
        return new ResponseEntity<>(body, h, status);
    }
}
