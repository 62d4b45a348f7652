package com.dataplatform.dataflow.scheduler.expression;

/** A syntax or reference error in an expression, with the character position where it was found. */
public class ExpressionException extends RuntimeException {

    public ExpressionException(String message, int position) {
        super(message + " at position " + position);
    }

    public ExpressionException(String message) {
        super(message);
    }
}
