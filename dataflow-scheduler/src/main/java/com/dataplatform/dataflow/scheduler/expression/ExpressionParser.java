package com.dataplatform.dataflow.scheduler.expression;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Recursive-descent parser. Grammar (lowest precedence first):
 * <pre>
 * or      := and ("or" and)*
 * and     := not ("and" not)*
 * not     := "not" not | cmp
 * cmp     := add (("=" | "!=" | "&lt;&gt;" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=") add | "is" ["not"] "null")?
 * add     := mul (("+" | "-") mul)*
 * mul     := unary (("*" | "/" | "%") unary)*
 * unary   := "-" unary | primary
 * primary := number | 'string' | true | false | null | column | function "(" [or ("," or)*] ")" | "(" or ")"
 * </pre>
 */
public final class ExpressionParser {

    public static final Set<String> FUNCTIONS = Set.of("lower", "upper", "length", "trim", "abs", "round",
            "coalesce", "greatest", "least");
    private static final int MAX_LENGTH = 4000;
    private static final int MAX_DEPTH = 64;

    private final String src;
    private int pos;
    private int depth;

    private ExpressionParser(String src) {
        this.src = src;
    }

    public static Expr parse(String text) {
        if (text == null || text.isBlank()) {
            throw new ExpressionException("expression is empty");
        }
        if (text.length() > MAX_LENGTH) {
            throw new ExpressionException("expression is longer than " + MAX_LENGTH + " characters");
        }
        ExpressionParser p = new ExpressionParser(text);
        Expr e = p.or();
        p.skipSpace();
        if (p.pos < p.src.length()) {
            throw new ExpressionException("unexpected '" + p.src.charAt(p.pos) + "'", p.pos);
        }
        return e;
    }

    private Expr or() {
        Expr left = and();
        while (keyword("or")) {
            left = new Expr.Binary("or", left, and());
        }
        return left;
    }

    private Expr and() {
        Expr left = not();
        while (keyword("and")) {
            left = new Expr.Binary("and", left, not());
        }
        return left;
    }

    private Expr not() {
        if (keyword("not")) {
            enter();
            Expr e = new Expr.Unary("not", not());
            depth--;
            return e;
        }
        return comparison();
    }

    private Expr comparison() {
        Expr left = additive();
        skipSpace();
        for (String op : new String[] {"<=", ">=", "!=", "<>", "=", "<", ">"}) {
            if (src.startsWith(op, pos)) {
                pos += op.length();
                return new Expr.Binary(op.equals("<>") ? "!=" : op, left, additive());
            }
        }
        if (keyword("is")) {
            boolean negated = keyword("not");
            if (!keyword("null")) {
                throw new ExpressionException("expected 'null' after 'is'", pos);
            }
            return new Expr.IsNull(left, negated);
        }
        return left;
    }

    private Expr additive() {
        Expr left = multiplicative();
        while (true) {
            skipSpace();
            if (pos < src.length() && (src.charAt(pos) == '+' || src.charAt(pos) == '-')) {
                String op = String.valueOf(src.charAt(pos++));
                left = new Expr.Binary(op, left, multiplicative());
            } else {
                return left;
            }
        }
    }

    private Expr multiplicative() {
        Expr left = unary();
        while (true) {
            skipSpace();
            if (pos < src.length() && "*/%".indexOf(src.charAt(pos)) >= 0) {
                String op = String.valueOf(src.charAt(pos++));
                left = new Expr.Binary(op, left, unary());
            } else {
                return left;
            }
        }
    }

    private Expr unary() {
        skipSpace();
        if (pos < src.length() && src.charAt(pos) == '-') {
            pos++;
            enter();
            Expr e = new Expr.Unary("-", unary());
            depth--;
            return e;
        }
        return primary();
    }

    private Expr primary() {
        skipSpace();
        if (pos >= src.length()) {
            throw new ExpressionException("unexpected end of expression", pos);
        }
        char c = src.charAt(pos);
        if (c == '(') {
            pos++;
            enter();
            Expr e = or();
            depth--;
            expect(')');
            return e;
        }
        if (c == '\'') {
            return string();
        }
        if (Character.isDigit(c) || c == '.') {
            return number();
        }
        if (Character.isLetter(c) || c == '_') {
            int start = pos;
            String word = word();
            String lower = word.toLowerCase(Locale.ROOT);
            switch (lower) {
                case "true" -> {
                    return new Expr.Literal(Boolean.TRUE);
                }
                case "false" -> {
                    return new Expr.Literal(Boolean.FALSE);
                }
                case "null" -> {
                    return new Expr.Null();
                }
                case "and", "or", "not", "is" -> throw new ExpressionException("unexpected keyword '" + word + "'", start);
                default -> {
                }
            }
            skipSpace();
            if (pos < src.length() && src.charAt(pos) == '(') {
                if (!FUNCTIONS.contains(lower)) {
                    throw new ExpressionException("unknown function '" + word + "' (allowed: " + FUNCTIONS + ")", start);
                }
                pos++;
                enter();
                List<Expr> args = new ArrayList<>();
                skipSpace();
                if (pos < src.length() && src.charAt(pos) == ')') {
                    pos++;
                } else {
                    do {
                        args.add(or());
                        skipSpace();
                    } while (pos < src.length() && src.charAt(pos) == ',' && ++pos > 0);
                    expect(')');
                }
                depth--;
                return new Expr.Call(lower, List.copyOf(args));
            }
            if (!word.matches("[a-z][a-z0-9_]{0,62}")) {
                throw new ExpressionException("'" + word + "' is not a valid column name", start);
            }
            return new Expr.Column(word);
        }
        throw new ExpressionException("unexpected '" + c + "'", pos);
    }

    private Expr string() {
        int start = pos++;
        StringBuilder sb = new StringBuilder();
        while (pos < src.length()) {
            char c = src.charAt(pos++);
            if (c == '\'') {
                if (pos < src.length() && src.charAt(pos) == '\'') {
                    sb.append('\'');
                    pos++;
                } else {
                    return new Expr.Literal(sb.toString());
                }
            } else {
                sb.append(c);
            }
        }
        throw new ExpressionException("unterminated string literal", start);
    }

    private Expr number() {
        int start = pos;
        while (pos < src.length() && (Character.isDigit(src.charAt(pos)) || src.charAt(pos) == '.')) {
            pos++;
        }
        String text = src.substring(start, pos);
        if (pos < src.length() && (Character.isLetter(src.charAt(pos)) || src.charAt(pos) == '_')) {
            throw new ExpressionException("malformed number", start);
        }
        try {
            if (text.indexOf('.') < 0 && text.length() <= 18) {
                return new Expr.Literal(Long.parseLong(text));
            }
            return new Expr.Literal(new BigDecimal(text));
        } catch (NumberFormatException e) {
            throw new ExpressionException("malformed number '" + text + "'", start);
        }
    }

    private String word() {
        int start = pos;
        while (pos < src.length() && (Character.isLetterOrDigit(src.charAt(pos)) || src.charAt(pos) == '_')) {
            pos++;
        }
        return src.substring(start, pos);
    }

    private boolean keyword(String kw) {
        skipSpace();
        int end = pos + kw.length();
        if (src.regionMatches(true, pos, kw, 0, kw.length())
                && (end >= src.length() || !(Character.isLetterOrDigit(src.charAt(end)) || src.charAt(end) == '_'))) {
            pos = end;
            return true;
        }
        return false;
    }

    private void expect(char c) {
        skipSpace();
        if (pos >= src.length() || src.charAt(pos) != c) {
            throw new ExpressionException("expected '" + c + "'", pos);
        }
        pos++;
    }

    private void enter() {
        if (++depth > MAX_DEPTH) {
            throw new ExpressionException("expression nests deeper than " + MAX_DEPTH, pos);
        }
    }

    private void skipSpace() {
        while (pos < src.length() && Character.isWhitespace(src.charAt(pos))) {
            pos++;
        }
    }
}
