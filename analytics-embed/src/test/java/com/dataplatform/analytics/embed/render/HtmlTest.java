package com.dataplatform.analytics.embed.render;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.analytics.embed.lake.QueryResult;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void escapes_every_character_that_could_open_markup_or_leave_an_attribute() {
        assertThat(Html.esc("<script>\"'&</script>")).isEqualTo("&lt;script&gt;&quot;&#39;&amp;&lt;/script&gt;");
        assertThat(Html.esc(null)).isEmpty();
    }

    @Test
    void formats_numbers_without_exponents_and_at_most_two_decimals() {
        assertThat(Html.format(new BigDecimal("1E+3"))).isEqualTo("1000");
        assertThat(Html.format(new BigDecimal("2.5000"))).isEqualTo("2.5");
        assertThat(Html.format(2.0 / 3)).isEqualTo("0.67");
        assertThat(Html.format(null)).isEqualTo("—");
        assertThat(Html.format(Double.NaN)).isEqualTo("NaN");
        assertThat(Html.format(Double.POSITIVE_INFINITY)).isEqualTo("Infinity");
        assertThat(Html.number(Double.NaN)).isZero();
    }

    @Test
    void charts_escape_labels_in_text_titles_and_attributes() {
        QueryResult r = new QueryResult(List.of("k", "v"), List.of(List.of("\"><img src=x onerror=alert(1)>", 3L)));
        StringBuilder out = new StringBuilder();
        Charts.bar(out, "a1", "<b>t</b>", r);
        Charts.line(out, "a2", "t", r);
        Charts.table(out, "t", r);
        assertThat(out.toString()).doesNotContain("<img", "<b>").contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;");
    }

    @Test
    void markdown_raw_html_is_escaped_and_javascript_links_are_neutralized() {
        String html = new Markdown().toHtml("<iframe src=x></iframe>\n\n[x](javascript:alert(1)) **b**");
        assertThat(html).doesNotContain("<iframe", "href=\"javascript:").contains("&lt;iframe", "<strong>b</strong>",
                "href=\"\"");
    }
}
