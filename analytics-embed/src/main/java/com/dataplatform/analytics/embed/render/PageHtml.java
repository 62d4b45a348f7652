package com.dataplatform.analytics.embed.render;

import static com.dataplatform.analytics.embed.render.Html.esc;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.page.Block;
import com.dataplatform.analytics.embed.page.Page;
import com.dataplatform.analytics.embed.lake.QueryResult;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Server-side HTML of pages, single areas and error pages. No script anywhere; CSP forbids it too. The HTML of a
 * shown area is a pure function of the area version and its result, and the result cache hands out the same result
 * object until an invalidation, so that HTML is kept per (area, version, placement, result object): a warm render
 * only concatenates.
 */
@Component
public class PageHtml {

    private static final int MAX_FRAGMENTS = 2_000;

    /** The result is compared by identity: a new result (after an invalidation) is a new key. */
    private record FragmentKey(UUID area, int version, boolean inGrid, QueryResult result) {

        @Override
        public boolean equals(Object o) {
            return o instanceof FragmentKey k && k.version == version && k.inGrid == inGrid && k.result == result
                    && k.area.equals(area);
        }

        @Override
        public int hashCode() {
            return (area.hashCode() * 31 + version) * 31 + System.identityHashCode(result) * 2 + (inGrid ? 1 : 0);
        }
    }

    private final Markdown markdown;
    private final Map<FragmentKey, String> fragments = new ConcurrentHashMap<>();

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

    private void area(StringBuilder out, AreaOutcome o, boolean inGrid) {
        if (!(o instanceof AreaOutcome.Shown s)) {
            render(out, o, inGrid);
            return;
        }
        FragmentKey key = new FragmentKey(s.area().id(), s.area().version(), inGrid, s.result());
        String html = fragments.get(key);
        if (html == null) {
            StringBuilder fragment = new StringBuilder(2048);
            render(fragment, o, inGrid);
            html = fragment.toString();
            if (fragments.size() >= MAX_FRAGMENTS) {
                fragments.clear();
            }
            fragments.put(key, html);
        }
        out.append(html);
    }

    private static void render(StringBuilder out, AreaOutcome o, boolean inGrid) {
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
