package com.dataplatform.analytics.embed.token;

/** A token that is expired, tampered with, or not one of ours. */
public class TokenRejected extends RuntimeException {

    private final boolean expired;
    private final TokenClaims expiredClaims;

    public TokenRejected(String message, boolean expired) {
        this(message, expired, null);
    }

    public TokenRejected(String message, boolean expired, TokenClaims expiredClaims) {
        super(message);
        this.expired = expired;
        this.expiredClaims = expiredClaims;
    }

    /** The claims of an authentic but expired token (null otherwise): which page's error page this is. */
    public TokenClaims expiredClaims() {
        return expiredClaims;
    }

    public boolean expired() {
        return expired;
    }
}
