package com.dataplatform.analytics.embed.lake;

/** An area's metadata does not fit the dataset's real columns (or a token's filters do not fit the area). */
public class SpecProblem extends RuntimeException {

    private final String field;

    public SpecProblem(String field, String message) {
        super(message);
        this.field = field;
    }

    public String field() {
        return field;
    }
}
