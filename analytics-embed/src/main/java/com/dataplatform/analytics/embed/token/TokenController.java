package com.dataplatform.analytics.embed.token;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.area.AreaStore;
import com.dataplatform.analytics.embed.lake.LakeColumn;
import com.dataplatform.analytics.embed.lake.LakeReader;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.analytics.embed.page.PageStore;
import com.dataplatform.common.security.SuitePrincipal;
import com.dataplatform.common.web.ApiException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/** Issues signed embed tokens for a page (users of its org) and renews them before they expire (token holders). */
@RestController
class TokenController {

    static final int DEFAULT_TTL = 300;
    static final int MAX_TTL = 86_400;
    /** How long after its first token a chain of refreshed tokens may go on. */
    static final int MAX_SESSION = 86_400;

    private final EmbedTokens tokens;
    private final PageStore pages;
    private final AreaStore areas;
    private final LakeReader lake;

    TokenController(EmbedTokens tokens, PageStore pages, AreaStore areas, LakeReader lake) {
        this.tokens = tokens;
        this.pages = pages;
        this.areas = areas;
        this.lake = lake;
    }

    record TokenRequest(@Min(1) @Max(MAX_TTL) Integer ttlSeconds, Map<String, Object> filters) {
    }

    record RefreshRequest(@NotBlank String token) {
    }

    record Issued(String token, String url, Instant expiresAt, Map<String, String> filters) {
    }

    @PostMapping("/api/pages/{id}/tokens")
    ResponseEntity<Issued> issue(SuitePrincipal user, @PathVariable UUID id, @Valid @RequestBody TokenRequest request) {
        Page page = pages.find(user.org(), id).orElseThrow(() -> ApiException.notFound("page", id));
        Map<String, String> filters = checkFilters(page, request.filters() == null ? Map.of() : request.filters());
        int ttl = request.ttlSeconds() == null ? DEFAULT_TTL : request.ttlSeconds();
        Instant now = tokens.now();
        TokenClaims claims = new TokenClaims(page.org(), page.id(), filters, now, now.plusSeconds(ttl));
        return ResponseEntity.status(HttpStatus.CREATED).body(issued(page, claims));
    }

    /**
     * A fresh token with the same page, filters and lifetime; only while the old one is still valid, and only within
     * {@link #MAX_SESSION} of the first token of its chain (the fresh token expires by then at the latest): a token
     * copied out of a page cannot be renewed for ever — the embedding application issues a new one.
     */
    @PostMapping("/api/tokens/refresh")
    Issued refresh(@Valid @RequestBody RefreshRequest request) {
        TokenClaims old;
        try {
            old = tokens.verify(request.token());
        } catch (TokenRejected e) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Unauthorized", e.getMessage(), "token");
        }
        Page page = pages.find(old.org(), old.pageId()).orElseThrow(() -> ApiException.notFound("page", old.pageId()));
        long ttl = Math.min(MAX_TTL, Math.max(1, Duration.between(old.issuedAt(), old.expiresAt()).toSeconds()));
        Instant now = tokens.now();
        Instant sessionEnd = old.sessionStartedAt().plusSeconds(MAX_SESSION);
        if (!now.isBefore(sessionEnd)) {
            throw new ApiException(HttpStatus.UNAUTHORIZED, "Unauthorized", "this token's chain of refreshes ended at "
                    + sessionEnd + " (" + MAX_SESSION + " s after its first token); issue a new token", "token");
        }
        Instant expires = now.plusSeconds(ttl).isAfter(sessionEnd) ? sessionEnd : now.plusSeconds(ttl);
        return issued(page, new TokenClaims(old.org(), old.pageId(), old.filters(), now, expires,
                old.sessionStartedAt()));
    }

    private Issued issued(Page page, TokenClaims claims) {
        String token = tokens.issue(claims);
        String url = ServletUriComponentsBuilder.fromCurrentContextPath().path("/p/" + page.slug()).build()
                .toUriString() + "?token=" + URLEncoder.encode(token, StandardCharsets.UTF_8);
        return new Issued(token, url, claims.expiresAt(), claims.filters());
    }

    /**
     * Each filter column must be allowed by at least one area of the page, and its value must fit that column in
     * every area that allows it. (An area that does not allow a token's filter refuses to render for that token.)
     */
    private Map<String, String> checkFilters(Page page, Map<String, Object> raw) {
        if (raw.size() > EmbedTokens.MAX_FILTERS) {
            throw ApiException.invalid("filters", "at most " + EmbedTokens.MAX_FILTERS + " filters");
        }
        List<Area> pageAreas = areas.ofPage(page.org(), page.id());
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, Object> f : raw.entrySet()) {
            String field = "filters." + f.getKey();
            String value = scalar(f.getValue(), field);
            boolean allowed = false;
            for (Area a : pageAreas) {
                if (!a.spec().allowedFilterColumns().contains(f.getKey())) {
                    continue;
                }
                allowed = true;
                LakeColumn c = lake.columns(page.org(), a.spec().dataset()).map(m -> m.get(f.getKey())).orElse(null);
                if (c == null || !c.type().accepts(value)) {
                    throw ApiException.invalid(field, "value does not fit column " + f.getKey() + " of dataset "
                            + a.spec().dataset());
                }
            }
            if (!allowed) {
                throw ApiException.invalid(field, "no area of this page allows filtering on " + f.getKey());
            }
            out.put(f.getKey(), value);
        }
        return out;
    }

    private static String scalar(Object v, String field) {
        if (v instanceof String s) {
            return s;
        }
        if (v instanceof BigDecimal d) {
            return d.toPlainString();
        }
        if (v instanceof Number || v instanceof Boolean) {
            return v.toString();
        }
        throw ApiException.invalid(field, "a filter value must be a string, number or boolean");
    }
}
