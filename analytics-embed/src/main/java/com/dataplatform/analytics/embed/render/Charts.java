package com.dataplatform.analytics.embed.render;

import static com.dataplatform.analytics.embed.render.Html.esc;
import static com.dataplatform.analytics.embed.render.Html.format;
import static com.dataplatform.analytics.embed.render.Html.number;

import com.dataplatform.analytics.embed.lake.QueryResult;
import java.util.List;

/**
 * Inline SVG charts, HTML tables and KPI figures. Every label and value goes through {@link Html#esc}; the SVGs
 * are {@code role="img"} with a title and a description listing every data point, so screen readers get the data.
 */
final class Charts {

    private static final int W = 600;
    private static final int H = 300;
    private static final int LEFT = 50;
    private static final int BOTTOM = 40;
    private static final int TOP = 20;

    private Charts() {
    }

    static void bar(StringBuilder out, String id, String title, QueryResult r) {
        List<List<Object>> rows = r.rows();
        double[] scale = scale(rows);
        String metric = r.columns().get(1);
        svgOpen(out, id, "bar", title, "Bar chart of " + metric + " by " + r.columns().get(0), rows);
        axis(out, scale);
        int n = Math.max(1, rows.size());
        double slot = (W - LEFT - 10) / (double) n;
        double barWidth = Math.max(1, slot * 0.7);
        for (int i = 0; i < rows.size(); i++) {
            Object label = rows.get(i).get(0);
            Object value = rows.get(i).get(1);
            double y0 = y(0, scale);
            double y1 = y(number(value), scale);
            double x = LEFT + i * slot + (slot - barWidth) / 2;
            out.append("<g class=\"bar\"><rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(Math.min(y0, y1)))
                    .append("\" width=\"").append(fmt(barWidth)).append("\" height=\"").append(fmt(Math.abs(y0 - y1)))
                    .append("\" data-label=\"").append(esc(label)).append("\" data-value=\"").append(esc(format(value)))
                    .append("\"><title>").append(esc(label)).append(": ").append(esc(format(value)))
                    .append("</title></rect><text class=\"label\" x=\"").append(fmt(x + barWidth / 2)).append("\" y=\"")
                    .append(H - BOTTOM + 16).append("\" text-anchor=\"middle\">").append(esc(label))
                    .append("</text><text class=\"value\" x=\"").append(fmt(x + barWidth / 2)).append("\" y=\"")
                    .append(fmt(Math.min(y0, y1) - 4)).append("\" text-anchor=\"middle\">").append(esc(format(value)))
                    .append("</text></g>");
        }
        out.append("</svg>");
    }

    static void line(StringBuilder out, String id, String title, QueryResult r) {
        List<List<Object>> rows = r.rows();
        double[] scale = scale(rows);
        String metric = r.columns().get(1);
        svgOpen(out, id, "line", title, "Line chart of " + metric + " by " + r.columns().get(0), rows);
        axis(out, scale);
        int n = rows.size();
        double step = n > 1 ? (W - LEFT - 20) / (double) (n - 1) : 0;
        StringBuilder points = new StringBuilder();
        StringBuilder dots = new StringBuilder();
        for (int i = 0; i < n; i++) {
            Object label = rows.get(i).get(0);
            Object value = rows.get(i).get(1);
            double x = LEFT + 10 + i * step;
            double y = y(number(value), scale);
            points.append(i == 0 ? "" : " ").append(fmt(x)).append(',').append(fmt(y));
            dots.append("<g class=\"point\"><circle cx=\"").append(fmt(x)).append("\" cy=\"").append(fmt(y))
                    .append("\" r=\"4\" data-label=\"").append(esc(label)).append("\" data-value=\"")
                    .append(esc(format(value))).append("\"><title>").append(esc(label)).append(": ")
                    .append(esc(format(value))).append("</title></circle><text class=\"label\" x=\"").append(fmt(x))
                    .append("\" y=\"").append(H - BOTTOM + 16).append("\" text-anchor=\"middle\">").append(esc(label))
                    .append("</text></g>");
        }
        out.append("<polyline class=\"series\" fill=\"none\" points=\"").append(points).append("\"/>").append(dots)
                .append("</svg>");
    }

    static void table(StringBuilder out, String title, QueryResult r) {
        out.append("<table class=\"data\"><caption>").append(esc(title)).append("</caption><thead><tr>");
        for (String c : r.columns()) {
            out.append("<th scope=\"col\">").append(esc(c)).append("</th>");
        }
        out.append("</tr></thead><tbody>");
        for (List<Object> row : r.rows()) {
            out.append("<tr>");
            for (Object v : row) {
                out.append(v instanceof Number ? "<td class=\"num\">" : "<td>").append(esc(format(v))).append("</td>");
            }
            out.append("</tr>");
        }
        out.append("</tbody></table>");
    }

    static void kpi(StringBuilder out, String id, String title, QueryResult r) {
        Object value = r.rows().isEmpty() ? null : r.rows().get(0).get(0);
        out.append("<figure class=\"kpi\" aria-labelledby=\"").append(id).append("-k\"><figcaption id=\"").append(id)
                .append("-k\">").append(esc(title)).append("</figcaption><p class=\"kpi-value\" data-value=\"")
                .append(esc(format(value))).append("\">").append(esc(format(value))).append("</p></figure>");
    }

    private static void svgOpen(StringBuilder out, String id, String kind, String title, String what,
            List<List<Object>> rows) {
        StringBuilder desc = new StringBuilder(what).append(": ");
        for (int i = 0; i < rows.size(); i++) {
            desc.append(i == 0 ? "" : "; ").append(format(rows.get(i).get(0))).append(' ')
                    .append(format(rows.get(i).get(1)));
        }
        out.append("<svg class=\"chart ").append(kind).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-labelledby=\"").append(id).append("-t ").append(id).append("-d\">")
                .append("<title id=\"").append(id).append("-t\">").append(esc(title)).append("</title><desc id=\"")
                .append(id).append("-d\">").append(esc(desc)).append("</desc>");
    }

    private static void axis(StringBuilder out, double[] scale) {
        double y0 = y(0, scale);
        out.append("<line class=\"axis\" x1=\"").append(LEFT).append("\" y1=\"").append(fmt(y0)).append("\" x2=\"")
                .append(W - 10).append("\" y2=\"").append(fmt(y0)).append("\"/><text class=\"tick\" x=\"")
                .append(LEFT - 6).append("\" y=\"").append(TOP + 4).append("\" text-anchor=\"end\">")
                .append(esc(format(java.math.BigDecimal.valueOf(scale[1])))).append("</text>");
    }

    /** [min, max] of the value axis, always including zero. */
    private static double[] scale(List<List<Object>> rows) {
        double min = 0;
        double max = 0;
        for (List<Object> row : rows) {
            double v = number(row.get(1));
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        if (max == min) {
            max = min + 1;
        }
        return new double[] {min, max};
    }

    private static double y(double v, double[] scale) {
        double plot = H - BOTTOM - TOP;
        return TOP + plot * (scale[1] - v) / (scale[1] - scale[0]);
    }

    /** Two decimals, half up (as {@code %.2f}), without {@link java.util.Formatter}'s cost (it was the render's hot spot). */
    static String fmt(double d) {
        if (!Double.isFinite(d)) {
            return "0.00";
        }
        return java.math.BigDecimal.valueOf(d).setScale(2, java.math.RoundingMode.HALF_UP).toPlainString();
    }
}
