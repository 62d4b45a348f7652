package com.dataplatform.common.web;

import org.springframework.http.HttpStatus;

/**
 * Base of the domain exceptions services throw; mapped once, by {@link ProblemDetailsAdvice}, to an RFC 9457
 * problem with this status, title and an optional offending {@code field}.
 */
public class ApiException extends RuntimeException {

    private final HttpStatus status;
    private final String title;
    private final String field;

    public ApiException(HttpStatus status, String title, String detail, String field) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }

    /** The request field (JSON path or parameter name) that caused the problem, or null. */
    public String field() {
        return field;
    }

    /** 404 — also what another org's resource looks like, so ids cannot be probed across tenants. */
    public static ApiException notFound(String what, Object id) {
        return new ApiException(HttpStatus.NOT_FOUND, "Not found", what + " " + id + " does not exist", null);
    }

    /** 400 naming the field at fault. */
    public static ApiException invalid(String field, String detail) {
        return new ApiException(HttpStatus.BAD_REQUEST, "Invalid request", detail, field);
    }

    /** 409: the request clashes with the current state (duplicate name, wrong state). */
    public static ApiException conflict(String field, String detail) {
        return new ApiException(HttpStatus.CONFLICT, "Conflict", detail, field);
    }

    /** 422: well-formed, but not acceptable (e.g. a reference to something that cannot be used). */
    public static ApiException unprocessable(String field, String detail) {
        return new ApiException(HttpStatus.UNPROCESSABLE_CONTENT, "Unprocessable request", detail, field);
    }
}
