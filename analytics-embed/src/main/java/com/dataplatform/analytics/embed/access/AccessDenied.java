package com.dataplatform.analytics.embed.access;

import org.springframework.http.HttpStatus;

/** Why a browser or data request was refused; rendered as a plain HTML page or problem+json. */
public class AccessDenied extends RuntimeException {

    private final HttpStatus status;
    private final String title;

    public AccessDenied(HttpStatus status, String title, String message) {
        super(message);
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    public static AccessDenied notFound() {
        return new AccessDenied(HttpStatus.NOT_FOUND, "Not found", "There is nothing here.");
    }
}
