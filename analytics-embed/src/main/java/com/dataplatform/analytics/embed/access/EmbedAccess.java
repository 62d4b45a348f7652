package com.dataplatform.analytics.embed.access;

import com.dataplatform.analytics.embed.token.EmbedTokens;
import com.dataplatform.analytics.embed.token.TokenClaims;
import com.dataplatform.analytics.embed.token.TokenRejected;
import com.dataplatform.common.security.SuiteJwtConverter;
import com.dataplatform.common.security.SuitePrincipal;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Map;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.stereotype.Component;

/**
 * Resolves the viewer of a browser or data route from {@code ?token=} (a signed embed token) or
 * {@code Authorization: Bearer} (a user JWT, checked by the same decoder as the API). Neither → 401.
 */
@Component
public class EmbedAccess {

    private final EmbedTokens tokens;
    private final ObjectProvider<JwtDecoder> jwtDecoder;

    EmbedAccess(EmbedTokens tokens, ObjectProvider<JwtDecoder> jwtDecoder) {
        this.tokens = tokens;
        this.jwtDecoder = jwtDecoder;
    }

    public Viewer resolve(HttpServletRequest request) {
        String token = request.getParameter("token");
        if (token != null) {
            try {
                TokenClaims c = tokens.verify(token);
                return new Viewer(c.org(), c.pageId(), c.filters());
            } catch (TokenRejected e) {
                TokenClaims expired = e.expiredClaims();
                throw expired != null
                        ? new AccessDenied(HttpStatus.UNAUTHORIZED, "Link expired",
                                "This embed link has expired. Ask the page owner for a fresh one.", expired.org(),
                                expired.pageId())
                        : new AccessDenied(HttpStatus.UNAUTHORIZED, "Invalid link", "This embed link is not valid.");
            }
        }
        String auth = request.getHeader("Authorization");
        if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
            JwtDecoder decoder = jwtDecoder.getIfAvailable();
            if (decoder != null) {
                try {
                    Jwt jwt = decoder.decode(auth.substring(7).trim());
                    SuitePrincipal user = SuiteJwtConverter.principal(jwt);
                    if (SuiteJwtConverter.orgValidator().validate(jwt).hasErrors()) {
                        throw new JwtException("no valid org claim");
                    }
                    return new Viewer(user.org(), null, Map.of());
                } catch (JwtException e) {
                    throw new AccessDenied(HttpStatus.UNAUTHORIZED, "Not signed in",
                            "Your sign-in was rejected. Sign in again.");
                }
            }
        }
        throw new AccessDenied(HttpStatus.UNAUTHORIZED, "Not signed in",
                "This page needs a signed embed link or a signed-in user of its organization.");
    }
}
