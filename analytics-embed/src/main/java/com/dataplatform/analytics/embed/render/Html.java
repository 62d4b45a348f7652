package com.dataplatform.analytics.embed.render;

import java.math.BigDecimal;
import java.math.RoundingMode;

/** The one way text reaches HTML: escaped for both element content and quoted attribute values. */
public final class Html {

    private Html() {
    }

    public static String esc(Object value) {
        String s = value == null ? "" : value.toString();
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            String rep = switch (c) {
                case '&' -> "&amp;";
                case '<' -> "&lt;";
                case '>' -> "&gt;";
                case '"' -> "&quot;";
                case '\'' -> "&#39;";
                case '\0' -> "\uFFFD";
                default -> null;
            };
            if (rep != null) {
                if (out == null) {
                    out = new StringBuilder(s.length() + 16).append(s, 0, i);
                }
                out.append(rep);
            } else if (out != null) {
                out.append(c);
            }
        }
        return out == null ? s : out.toString();
    }

    /** Numbers shown with at most two decimals, no exponent; other values as text; null as an em dash. */
    public static String format(Object v) {
        if (v == null) {
            return "—";
        }
        if ((v instanceof Double x && !Double.isFinite(x)) || (v instanceof Float y && !Float.isFinite(y))) {
            return v.toString(); // NaN, Infinity: shown as such, not a failed page
        }
        if (v instanceof Number n) {
            BigDecimal d = n instanceof BigDecimal b ? b : new BigDecimal(n.toString());
            if (d.scale() > 2) {
                d = d.setScale(2, RoundingMode.HALF_UP);
            }
            d = d.stripTrailingZeros();
            return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
        }
        return v.toString();
    }

    public static double number(Object v) {
        if (v instanceof Number n && Double.isFinite(n.doubleValue())) {
            return n.doubleValue();
        }
        return 0;
    }
}
