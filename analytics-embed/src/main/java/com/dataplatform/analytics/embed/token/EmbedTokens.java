package com.dataplatform.analytics.embed.token;

import com.dataplatform.common.lake.LakeNames;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.text.ParseException;
import java.time.Clock;
import java.time.Instant;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * Signs and verifies embed tokens: HS256 JWTs under the org's own key ({@link OrgKeys}), claims {@code org},
 * {@code sub} = page id, {@code filters}, {@code iat}, {@code exp}. The org claim only picks the key; a token whose
 * claims were changed, or that was signed with another org's key, fails the signature check.
 */
@Component
public class EmbedTokens {

    /** Claim: when the first token of this token's refresh chain was issued (epoch seconds). */
    static final String SESSION_CLAIM = "session_iat";

    public static final String ISSUER = "analytics-embed";
    public static final String AUDIENCE = "embed";
    public static final int MAX_FILTERS = 10;

    private static final int MAX_VERIFIED = 10_000;

    private final OrgKeys keys;
    private final Clock clock;
    /**
     * Tokens whose signature, issuer and audience checked out, by their exact text: a page reload with the same
     * link skips parsing and HMAC. Expiry is still checked on every use; org keys never change once created.
     */
    private final Map<String, TokenClaims> verified = new java.util.concurrent.ConcurrentHashMap<>();

    @org.springframework.beans.factory.annotation.Autowired
    EmbedTokens(OrgKeys keys) {
        this(keys, Clock.systemUTC());
    }

    EmbedTokens(OrgKeys keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    public String issue(TokenClaims c) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(ISSUER).audience(AUDIENCE)
                .subject(c.pageId().toString()).claim("org", c.org()).claim("filters", new LinkedHashMap<>(c.filters()))
                .issueTime(Date.from(c.issuedAt())).expirationTime(Date.from(c.expiresAt()))
                .claim(SESSION_CLAIM, c.sessionStartedAt().getEpochSecond())
                .jwtID(UUID.randomUUID().toString()).build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(c.org()).build(), claims);
            jwt.sign(new MACSigner(keys.keyOf(c.org())));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign embed token", e);
        }
    }

    /** Verifies signature, issuer, audience and expiry; throws {@link TokenRejected}. */
    public TokenClaims verify(String token) {
        if (token == null || token.isBlank() || token.length() > 8192) {
            throw new TokenRejected("no valid token", false);
        }
        TokenClaims known = verified.get(token);
        if (known != null) {
            return unexpired(known);
        }
        TokenClaims claims = verifySignedClaims(token);
        if (verified.size() >= MAX_VERIFIED) {
            verified.clear();
        }
        verified.put(token, claims);
        return unexpired(claims);
    }

    private TokenClaims unexpired(TokenClaims c) {
        if (!clock.instant().isBefore(c.expiresAt())) {
            throw new TokenRejected("token expired at " + c.expiresAt(), true, c);
        }
        return c;
    }

    /** Signature, algorithm, issuer, audience and claim shapes; not expiry. */
    private TokenClaims verifySignedClaims(String token) {
        try {
            SignedJWT jwt = SignedJWT.parse(token.trim());
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm())) {
                throw new TokenRejected("unexpected token algorithm", false);
            }
            JWTClaimsSet claims = jwt.getJWTClaimsSet();
            String org = claims.getStringClaim("org");
            if (!LakeNames.isOrg(org)) {
                throw new TokenRejected("token has no valid org", false);
            }
            byte[] key = keys.existingKeyOf(org)
                    .orElseThrow(() -> new TokenRejected("token signature is invalid", false));
            if (!jwt.verify(new MACVerifier(key))) {
                throw new TokenRejected("token signature is invalid", false);
            }
            if (!ISSUER.equals(claims.getIssuer()) || claims.getAudience() == null
                    || !claims.getAudience().equals(List.of(AUDIENCE))) {
                throw new TokenRejected("not an embed token", false);
            }
            Date exp = claims.getExpirationTime();
            Date iat = claims.getIssueTime();
            if (exp == null || iat == null) {
                throw new TokenRejected("token has no expiry", false);
            }
            Map<String, String> filters = new LinkedHashMap<>();
            Map<String, Object> raw = claims.getJSONObjectClaim("filters");
            if (raw != null) {
                for (Map.Entry<String, Object> e : raw.entrySet()) {
                    if (!(e.getValue() instanceof String s)) {
                        throw new TokenRejected("token filters must be strings", false);
                    }
                    filters.put(e.getKey(), s);
                }
            }
            Long session = claims.getLongClaim(SESSION_CLAIM); // absent in tokens issued before it existed
            return new TokenClaims(org, UUID.fromString(claims.getSubject()), filters, iat.toInstant(),
                    exp.toInstant(), session == null ? iat.toInstant() : Instant.ofEpochSecond(session));
        } catch (ParseException | JOSEException | IllegalArgumentException | NullPointerException e) {
            throw new TokenRejected("token is malformed", false);
        }
    }

    public Instant now() {
        return clock.instant();
    }
}
