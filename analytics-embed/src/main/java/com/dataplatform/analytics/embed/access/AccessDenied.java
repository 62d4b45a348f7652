package com.dataplatform.analytics.embed.access;

import org.springframework.http.HttpStatus;

/** Why a browser or data request was refused; rendered as a plain HTML page or problem+json. */
public class AccessDenied extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final String pageOrg;
    private final java.util.UUID pageId;

    public AccessDenied(HttpStatus status, String title, String message) {
        this(status, title, message, null, null);
    }

    /** With the page the request was for, when known from an authentic token (its CSP then applies). */
    public AccessDenied(HttpStatus status, String title, String message, String pageOrg, java.util.UUID pageId) {
        super(message);
        this.status = status;
        this.title = title;
        this.pageOrg = pageOrg;
        this.pageId = pageId;
    }

    public String pageOrg() {
        return pageOrg;
    }

    public java.util.UUID pageId() {
        return pageId;
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
