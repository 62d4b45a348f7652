package com.dataplatform.ci.deploy.bundle;

/** {@code app.yaml} is not acceptable; {@code field} is the path inside it ({@code app.yaml/tests[1]/sql}). */
public class DescriptorException extends RuntimeException {

    private final String field;
    private final boolean semantic;

    private DescriptorException(String field, String detail, boolean semantic) {
        super(detail);
        this.field = field;
        this.semantic = semantic;
    }

    /** Malformed: not YAML, unknown key, wrong type. */
    public static DescriptorException malformed(String field, String detail) {
        return new DescriptorException("app.yaml/" + field, detail, false);
    }

    /** Well-formed but not allowed (a write outside the app, an unknown input, a test that is not a SELECT). */
    public static DescriptorException refused(String field, String detail) {
        return new DescriptorException("app.yaml/" + field, detail, true);
    }

    public String field() {
        return field;
    }

    public boolean semantic() {
        return semantic;
    }
}
