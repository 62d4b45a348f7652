package com.dataplatform.dataflow.scheduler.expression;

import com.dataplatform.common.lake.LakeNames;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * Compiles an {@link Expr} to a SQL fragment: column names (checked against the input's columns when known) are
 * quoted identifiers, every literal is a bound {@code ?} parameter with an explicit cast, operators and functions
 * come from a fixed list. No text of the expression is ever copied into SQL.
 */
public final class SqlExpression {

    /** A SQL fragment and its parameters, in order. */
    public record Fragment(String sql, List<Object> params) {
    }

    private SqlExpression() {
    }

    /** Columns an expression refers to. */
    public static Set<String> columns(Expr e) {
        Set<String> out = new TreeSet<>();
        collect(e, out);
        return out;
    }

    private static void collect(Expr e, Set<String> out) {
        if (e instanceof Expr.Column c) {
            out.add(c.name());
        } else if (e instanceof Expr.Unary u) {
            collect(u.operand(), out);
        } else if (e instanceof Expr.Binary b) {
            collect(b.left(), out);
            collect(b.right(), out);
        } else if (e instanceof Expr.IsNull n) {
            collect(n.operand(), out);
        } else if (e instanceof Expr.Call c) {
            c.args().forEach(a -> collect(a, out));
        }
    }

    public static Fragment compile(Expr e) {
        List<Object> params = new ArrayList<>();
        String sql = sql(e, params);
        return new Fragment(sql, List.copyOf(params));
    }

    private static String sql(Expr e, List<Object> params) {
        if (e instanceof Expr.Column c) {
            return LakeNames.quote(LakeNames.requireDataset(c.name()));
        } else if (e instanceof Expr.Null) {
            return "null";
        } else if (e instanceof Expr.Literal l) {
            return literal(l.value(), params);
        } else if (e instanceof Expr.Unary u) {
            return u.op().equals("not") ? "(not " + sql(u.operand(), params) + ")"
                    : "(- " + sql(u.operand(), params) + ")";
        } else if (e instanceof Expr.IsNull n) {
            return "(" + sql(n.operand(), params) + (n.negated() ? " is not null)" : " is null)");
        } else if (e instanceof Expr.Binary b) {
            return binary(b, params);
        } else if (e instanceof Expr.Call c) {
            return call(c, params);
        }
        throw new ExpressionException("unknown expression " + e);
    }

    private static String literal(Object value, List<Object> params) {
        params.add(value);
        if (value instanceof Long) {
            return "cast(? as bigint)";
        } else if (value instanceof BigDecimal) {
            return "cast(? as numeric)";
        } else if (value instanceof Boolean) {
            return "cast(? as boolean)";
        }
        return "cast(? as text)";
    }

    private static String binary(Expr.Binary b, List<Object> params) {
        String l = sql(b.left(), params);
        String r = sql(b.right(), params);
        return switch (b.op()) {
            case "and", "or", "=", "!=", "<", "<=", ">", ">=", "+", "-", "*", "%" -> "(" + l + " " + op(b.op()) + " " + r + ")";
            // Division is exact (numeric), as users expect 7 / 2 = 3.5; division by zero fails the run.
            case "/" -> "(cast(" + l + " as numeric) / " + r + ")";
            default -> throw new ExpressionException("unknown operator " + b.op());
        };
    }

    private static String op(String op) {
        return op.equals("!=") ? "<>" : op;
    }

    private static String call(Expr.Call c, List<Object> params) {
        int n = c.args().size();
        boolean ok = switch (c.function()) {
            case "lower", "upper", "length", "trim", "abs" -> n == 1;
            case "round" -> n == 1 || n == 2;
            case "coalesce", "greatest", "least" -> n >= 1;
            default -> false;
        };
        if (!ok) {
            throw new ExpressionException("wrong number of arguments for " + c.function() + ": " + n);
        }
        List<String> args = new ArrayList<>();
        for (Expr a : c.args()) {
            args.add(sql(a, params));
        }
        if (c.function().equals("round")) {
            return n == 1 ? "round(cast(" + args.get(0) + " as numeric))"
                    : "round(cast(" + args.get(0) + " as numeric), cast(" + args.get(1) + " as integer))";
        }
        return c.function() + "(" + String.join(", ", args) + ")";
    }
}
