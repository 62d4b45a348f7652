package com.dataplatform.dataflow.scheduler.expression;

import java.util.List;

/** The AST of the safe expression language used by {@code filter} and {@code compute} nodes. */
public sealed interface Expr {

    record Column(String name) implements Expr {
    }

    /** A literal: String, Long, BigDecimal, Boolean or null ({@link Null}). */
    record Literal(Object value) implements Expr {
    }

    record Null() implements Expr {
    }

    record Unary(String op, Expr operand) implements Expr {
    }

    record Binary(String op, Expr left, Expr right) implements Expr {
    }

    record IsNull(Expr operand, boolean negated) implements Expr {
    }

    record Call(String function, List<Expr> args) implements Expr {
    }
}
