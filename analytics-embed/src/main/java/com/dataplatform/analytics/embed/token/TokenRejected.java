package com.dataplatform.analytics.embed.token;

/** A token that is expired, tampered with, or not one of ours. */
public class TokenRejected extends RuntimeException {

    private final boolean expired;

    public TokenRejected(String message, boolean expired) {
        super(message);
        this.expired = expired;
    }

    public boolean expired() {
        return expired;
    }
}
