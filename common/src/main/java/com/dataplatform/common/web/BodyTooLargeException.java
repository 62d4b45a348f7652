package com.dataplatform.common.web;

import java.io.IOException;

/** Thrown while reading a request body (of unknown length) that grows past the configured limit. */
public class BodyTooLargeException extends IOException {

    public BodyTooLargeException(long limit) {
        super("request body exceeds the limit of " + limit + " bytes");
    }
}
