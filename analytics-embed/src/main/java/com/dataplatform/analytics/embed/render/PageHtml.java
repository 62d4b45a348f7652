package com.dataplatform.analytics.embed.render;

import static com.dataplatform.analytics.embed.render.Html.esc;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.page.Block;
import com.dataplatform.analytics.embed.page.Page;
import java.util.List;
import org.springframework.stereotype.Component;

/** Server-side HTML of pages, single areas and error pages. No script anywhere; CSP forbids it too. */
@Component
public class PageHtml {

    private final Markdown markdown;

    PageHtml(Markdown markdown) {
        this.markdown = markdown;
    }

    public String page(Page page, List<AreaOutcome> areas) {
        StringBuilder out = new StringBuilder(4096);
        head(out, page.title());
        out.append("<body><main class=\"page\"><h1>").append(esc(page.title())).append("</h1>");
        for (Block b : page.blocks()) {
            out.append("<div class=\"block markdown\">").append(markdown.toHtml(b.text())).append("</div>");
        }
        out.append("<div class=\"grid\">");
        areas.forEach(a -> area(out, a, true));
        out.append("</div></main></body></html>");
        return out.toString();
    }

    public String area(AreaOutcome outcome) {
        StringBuilder out = new StringBuilder(2048);
        head(out, outcome.area().spec().title());
        out.append("<body class=\"embed\">");
        area(out, outcome, false);
        out.append("</body></html>");
        return out.toString();
    }

    public String error(int status, String title, String message) {
        StringBuilder out = new StringBuilder(512);
        head(out, title);
        out.append("<body class=\"error\"><main role=\"alert\"><h1 id=\"error-title\">").append(esc(title))
                .append("</h1><p id=\"error-message\">").append(esc(message)).append("</p><p class=\"status\">")
                .append(status).append("</p></main></body></html>");
        return out.toString();
    }

    private static void head(StringBuilder out, String title) {
        out.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
                .append("<meta name=\"referrer\" content=\"no-referrer\"><title>").append(esc(title))
                .append("</title><link rel=\"stylesheet\" href=\"/assets/embed.css\"></head>");
    }

    private static void area(StringBuilder out, AreaOutcome o, boolean inGrid) {
        Area a = o.area();
        String id = "a" + a.id().toString().replace("-", "");
        var p = a.spec().position();
        out.append("<section class=\"area ").append(a.spec().kind().name().toLowerCase())
                .append("\" id=\"area-").append(a.id()).append("\" data-area=\"").append(a.id())
                .append("\" data-version=\"").append(a.version()).append("\" data-state=\"").append(o.state())
                .append("\" aria-labelledby=\"").append(id).append("-h\"");
        if (inGrid) {
            out.append(" style=\"grid-column: ").append(p.col() + 1).append(" / span ").append(p.width())
                    .append("; grid-row: ").append(p.row() + 1).append(" / span ").append(p.height()).append("\"");
        }
        out.append("><h2 id=\"").append(id).append("-h\">").append(esc(a.spec().title())).append("</h2>");
        if (o instanceof AreaOutcome.Shown s) {
            switch (a.spec().kind()) {
                case BAR -> Charts.bar(out, id, a.spec().title(), s.result());
                case LINE -> Charts.line(out, id, a.spec().title(), s.result());
                case TABLE -> Charts.table(out, a.spec().title(), s.result());
                case KPI -> Charts.kpi(out, id, a.spec().title(), s.result());
            }
        } else if (o instanceof AreaOutcome.Failed f) {
            placeholder(out, f.message());
        } else {
            placeholder(out, "This chart is taking longer than usual. Reload to see it.");
        }
        out.append("</section>");
    }

    private static void placeholder(StringBuilder out, String message) {
        out.append("<div class=\"placeholder\" role=\"status\">").append(esc(message)).append("</div>");
    }
}
