package com.dataplatform.analytics.embed.render;

import org.commonmark.parser.Parser;
import org.commonmark.renderer.html.HtmlRenderer;
import org.springframework.stereotype.Component;

/** CommonMark to HTML with raw HTML escaped (never passed through) and unsafe link schemes neutralized. */
@Component
public class Markdown {

    private final Parser parser = Parser.builder().build();
    private final HtmlRenderer renderer = HtmlRenderer.builder().escapeHtml(true).sanitizeUrls(true).build();

    private final java.util.Map<String, String> rendered = new java.util.concurrent.ConcurrentHashMap<>();

    public String toHtml(String markdown) {
        String html = rendered.get(markdown);
        if (html == null) {
            html = renderer.render(parser.parse(markdown));
            if (rendered.size() > 1000) {
                rendered.clear();
            }
            rendered.put(markdown, html);
        }
        return html;
    }
}
