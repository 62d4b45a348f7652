package com.dataplatform.common.events;

/** CloudEvents 1.0 Kafka protocol binding, binary content mode: attributes travel as {@code ce_} headers. */
public final class CloudEventHeaders {

    public static final String SPEC_VERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    /** Extension attribute: the org (tenant) the event belongs to. */
    public static final String TENANT = "ce_tenant";
    /** Extension attribute: the X-Request-Id of the HTTP request during which the event was published, if any. */
    public static final String REQUEST_ID = "ce_requestid";
    /** In binary mode the data content type is the Kafka {@code content-type} header. */
    public static final String CONTENT_TYPE = "content-type";

    public static final String SPEC_VERSION_VALUE = "1.0";
    public static final String JSON = "application/json";

    private CloudEventHeaders() {
    }
}
