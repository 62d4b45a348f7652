package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.analytics.embed.token.EmbedTokens;
import com.dataplatform.analytics.embed.token.TokenClaims;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.TestJwts;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class RenderingIT {

    static final List<List<Object>> ROWS = List.of(
            List.of("north", "apples", 10, 1), List.of("north", "pears", 5, 2),
            List.of("south", "apples", 7, 3), List.of("east", "plums", 2.5, 4));

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;
    @Autowired
    EmbedTokens tokens;
    @Autowired
    io.micrometer.core.instrument.MeterRegistry meters;

    Api api;
    LakeFixture lake;
    EmbedFixture f;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        lake = new LakeFixture(jdbc);
        f = EmbedFixture.create(api, lake, EmbedFixture.freshOrg("r"), ROWS, List.of("https://partner.example"));
    }

    @Test
    void page_renders_every_area_from_the_lake_with_escaped_text_and_security_headers() {
        HttpResponse<String> r = api.get("/p/sales", f.org);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String html = r.body();
        assertThat(html).contains("data-label=\"north\" data-value=\"15\"", "data-label=\"south\" data-value=\"7\"",
                "data-label=\"east\" data-value=\"2.5\"");
        assertThat(html).contains("<td>apples</td><td class=\"num\">4</td>");
        assertThat(html).contains("class=\"kpi-value\" data-value=\"24.5\"");
        assertThat(html).contains("role=\"img\"", "<title id=", "<desc id=", "<caption>Units by product</caption>");
        assertThat(html).contains("Sales &lt;b&gt;overview&lt;/b&gt;").doesNotContain("<b>overview");
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "<strong>bold</strong>")
                .doesNotContain("<script>");
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                .contains("frame-ancestors https://partner.example", "default-src 'none'");
        assertThat(r.headers().firstValue("X-Content-Type-Options")).hasValue("nosniff");
        assertThat(r.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(r.headers().firstValue("X-Frame-Options")).isEmpty();
    }

    @Test
    void each_rendered_area_is_timed_into_histogram_buckets_for_percentiles() {
        io.micrometer.core.instrument.Timer ok = meters.get("embed.area.render").tag("outcome", "ok").timer();
        long before = ok.count();
        var buckets = ok.takeSnapshot().histogramCounts();
        assertThat(buckets).extracting(b -> b.bucket(java.util.concurrent.TimeUnit.MILLISECONDS))
                .contains(5.0, 50.0, 500.0);
        assertThat(meters.find("embed.area.render").tag("outcome", "timeout").timer())
                .as("exported from start-up").isNotNull();
        assertThat(api.get("/p/sales", f.org).statusCode()).isEqualTo(200);
        assertThat(ok.count() - before).as("one sample per area of the page").isEqualTo(3);
        var after = ok.takeSnapshot().histogramCounts();
        double top = after[after.length - 1].count();
        assertThat(top).as("the widest bucket holds every sample").isEqualTo(ok.count());
    }

    @Test
    void a_line_area_plots_one_labelled_point_per_group_in_order() {
        String line = EmbedFixture.area(api, f.org, f.page, Specs.with(Specs.area("Units by region", "sales", "region",
                "sum", "units", "line", 4, 6, List.of()), "query.orderBy",
                List.of(java.util.Map.of("column", "value", "direction", "desc"))));
        String html = api.get("/embed/" + line, f.org).body();
        assertThat(html).contains("<svg class=\"chart line\"", "<polyline class=\"series\"",
                "aria-labelledby=\"a" + line.replace("-", "") + "-t a" + line.replace("-", "") + "-d\"");
        assertThat(html.indexOf("data-label=\"east\" data-value=\"4\""))
                .isPositive().isLessThan(html.indexOf("data-label=\"north\" data-value=\"3\""));
        assertThat(html).contains("data-label=\"south\" data-value=\"3\"",
                "Line chart of value by region: east 4; north 3; south 3");
    }

    @Test
    void hostile_values_in_the_data_render_as_text() {
        lake.insert(f.org, "sales", List.of(List.of("<script>alert(1)</script>", "\"><img src=x onerror=alert(2)>", 1, 1)));
        invalidate();
        String html = api.get("/p/sales", f.org).body();
        assertThat(html).contains("&lt;script&gt;alert(1)&lt;/script&gt;", "&quot;&gt;&lt;img src=x onerror=alert(2)&gt;")
                .doesNotContain("<img", "<script>");
    }

    @Test
    void a_filtered_token_sees_only_its_rows_everywhere_and_areas_without_that_filter_refuse() {
        String token = f.token(api, Map.of("region", "north"), 300);
        String html = api.get("/p/sales?token=" + token, null).body();
        assertThat(html).contains("data-label=\"north\" data-value=\"15\"").doesNotContain("data-label=\"south\"");
        assertThat(html).contains("<td>pears</td>").doesNotContain("<td>plums</td>");
        // the kpi does not allow a region filter: it refuses rather than showing the unfiltered total
        assertThat(html).doesNotContain("data-value=\"24.5\"").contains("cannot be shown with this link");

        JsonNode data = Api.json(api.get("/api/embeds/" + f.bar + "/data?token=" + token, null));
        assertThat(data.path("rows").toString()).isEqualTo("[[\"north\",15]]");
        assertThat(api.get("/api/embeds/" + f.kpi + "/data?token=" + token, null).statusCode()).isEqualTo(403);
        HttpResponse<String> embed = api.get("/embed/" + f.table + "?token=" + token, null);
        assertThat(embed.statusCode()).isEqualTo(200);
        assertThat(embed.body()).contains("<td>apples</td><td class=\"num\">1</td>").doesNotContain("plums");
        assertThat(embed.headers().firstValue("Cache-Control")).hasValue("no-store");
    }

    @Test
    void token_filters_on_columns_no_area_allows_are_400_naming_the_filter() {
        HttpResponse<String> r = api.send("POST", "/api/pages/" + f.page + "/tokens", f.org,
                Map.of("filters", Map.of("product", "apples")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Api.json(r).path("field").asString()).isEqualTo("filters.product");
        HttpResponse<String> ttl = api.send("POST", "/api/pages/" + f.page + "/tokens", f.org,
                Map.of("ttlSeconds", 86_401));
        assertThat(ttl.statusCode()).isEqualTo(400);
        assertThat(Api.json(ttl).path("field").asString()).isEqualTo("ttlSeconds");
    }

    @Test
    void expired_tampered_and_missing_credentials_get_a_plain_html_error_page() {
        Instant now = Instant.now();
        String expired = tokens.issue(new TokenClaims(f.org, f.page, Map.of(), now.minusSeconds(600),
                now.minusSeconds(1)));
        HttpResponse<String> r = api.get("/p/sales?token=" + expired, null);
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/html");
        assertThat(r.body()).contains("expired");
        // the expired link's own page may frame the message (an embed shows "expired", not a blocked frame)
        assertThat(r.headers().firstValue("Content-Security-Policy").orElse(""))
                .endsWith("frame-ancestors https://partner.example");

        String token = f.token(api, Map.of("region", "north"), 300);
        String[] parts = token.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"north\"", "\"south\"");
        String tampered = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        HttpResponse<String> bad = api.get("/p/sales?token=" + tampered, null);
        assertThat(bad.statusCode()).isEqualTo(401);
        assertThat(bad.headers().firstValue("Content-Security-Policy").orElse("")).endsWith("frame-ancestors 'none'");
        assertThat(api.get("/api/embeds/" + f.bar + "/data?token=" + tampered, null).statusCode()).isEqualTo(401);
        HttpResponse<String> none = api.get("/p/sales", null);
        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.body()).contains("<h1 id=\"error-title\">");
        assertThat(api.getWith("/p/sales", "Bearer " + TestJwts.expired(f.org)).statusCode()).isEqualTo(401);
        assertThat(api.getWith("/p/sales", "Bearer " + TestJwts.signedByStranger(f.org)).statusCode()).isEqualTo(401);
    }

    @Test
    void a_forged_token_for_an_org_without_a_key_is_refused_and_creates_no_key() {
        String unknownOrg = "forged" + Long.toString(System.nanoTime(), 36);
        String header = Base64.getUrlEncoder().withoutPadding()
                .encodeToString("{\"alg\":\"HS256\"}".getBytes(StandardCharsets.UTF_8));
        String payload = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"org\":\"" + unknownOrg
                + "\",\"page\":\"" + f.page + "\"}").getBytes(StandardCharsets.UTF_8));
        String forged = header + "." + payload + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(new byte[32]);
        assertThat(api.get("/p/sales?token=" + forged, null).statusCode()).isEqualTo(401);
        assertThat(api.get("/api/embeds/" + f.bar + "/data?token=" + forged, null).statusCode()).isEqualTo(401);
        assertThat(jdbc.sql("select count(*) from org_key where org = :o").param("o", unknownOrg)
                .query(Integer.class).single()).isZero();
    }

    @Test
    void a_token_is_refreshed_before_expiry_with_the_same_filters_but_not_after() {
        String token = f.token(api, Map.of("region", "south"), 60);
        HttpResponse<String> r = api.send("POST", "/api/tokens/refresh", null, Map.of("token", token));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String fresh = Api.json(r).path("token").asString();
        assertThat(fresh).isNotEqualTo(token);
        assertThat(Api.json(r).path("filters").path("region").asString()).isEqualTo("south");
        assertThat(Api.json(r).path("url").asString()).contains("/p/sales?token=");
        assertThat(api.get("/api/embeds/" + f.bar + "/data?token=" + fresh, null).body()).contains("south")
                .doesNotContain("north");
        Instant now = Instant.now();
        String expired = tokens.issue(new TokenClaims(f.org, f.page, Map.of(), now.minusSeconds(60),
                now.minusSeconds(1)));
        HttpResponse<String> late = api.send("POST", "/api/tokens/refresh", null, Map.of("token", expired));
        assertThat(late.statusCode()).isEqualTo(401);
        assertThat(late.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
    }

    @Test
    void a_chain_of_refreshes_ends_a_day_after_its_first_token() {
        Instant now = Instant.now();
        // refreshed all day long: the chain began 23 h 59 min ago; the fresh token keeps that start and ends with it
        Instant started = now.minusSeconds(86_400 - 60);
        String nearEnd = tokens.issue(new TokenClaims(f.org, f.page, Map.of("region", "south"), now.minusSeconds(10),
                now.plusSeconds(290), started));
        HttpResponse<String> r = api.send("POST", "/api/tokens/refresh", null, Map.of("token", nearEnd));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        Instant expiresAt = Instant.parse(Api.json(r).path("expiresAt").asString());
        assertThat(expiresAt).isBeforeOrEqualTo(started.plusSeconds(86_400)).isAfter(now);
        String fresh = Api.json(r).path("token").asString();
        assertThat(tokens.verify(fresh).sessionStartedAt()).isEqualTo(started.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        // a still valid token of a chain that began more than a day ago is not renewed
        String tooOld = tokens.issue(new TokenClaims(f.org, f.page, Map.of(), now.minusSeconds(10), now.plusSeconds(290),
                now.minusSeconds(86_401)));
        assertThat(api.get("/api/embeds/" + f.bar + "/data?token=" + tooOld, null).statusCode()).isEqualTo(200);
        HttpResponse<String> ended = api.send("POST", "/api/tokens/refresh", null, Map.of("token", tooOld));
        assertThat(ended.statusCode()).isEqualTo(401);
        assertThat(ended.body()).contains("issue a new token");
    }

    @Test
    void another_orgs_token_or_jwt_never_renders_this_orgs_page_or_data() {
        EmbedFixture b = EmbedFixture.create(api, lake, EmbedFixture.freshOrg("rb"),
                List.of(List.of("west", "figs", 99, 9)), List.of());
        String tokenA = f.token(api, Map.of(), 300);
        // org A's token and JWT on org B's area and data: not found
        assertThat(api.get("/embed/" + b.bar + "?token=" + tokenA, null).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/embeds/" + b.bar + "/data?token=" + tokenA, null).statusCode()).isEqualTo(404);
        assertThat(api.get("/embed/" + b.bar, f.org).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/embeds/" + b.bar + "/data", f.org).statusCode()).isEqualTo(404);
        // the same slug resolves in the viewer's own org only
        assertThat(api.get("/p/sales?token=" + tokenA, null).body()).contains("north").doesNotContain("west");
        assertThat(api.get("/p/sales", f.org).body()).doesNotContain("west");
        assertThat(api.get("/p/sales", b.org).body()).contains("west").doesNotContain("north");
        // a token for one page does not open another page of the same org
        UUID other = UUID.fromString(Api.json(api.send("POST", "/api/pages", f.org,
                Specs.page("other", "Other", null, List.of()))).path("id").asString());
        assertThat(other).isNotNull();
        assertThat(api.get("/p/other?token=" + tokenA, null).statusCode()).isEqualTo(403);
        // a token signed with org B's key but claiming org A fails its signature check
        Instant now = Instant.now();
        String forged = tokens.issue(new TokenClaims(b.org, f.page, Map.of(), now, now.plusSeconds(60)));
        String[] parts = forged.split("\\.");
        String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
                .replace("\"" + b.org + "\"", "\"" + f.org + "\"");
        String swapped = parts[0] + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
        assertThat(api.get("/p/sales?token=" + swapped, null).statusCode()).isEqualTo(401);
    }

    @Test
    void a_slow_or_broken_area_shows_its_own_placeholder_and_the_others_render() {
        lake.slowView(f.org, "slow_sales", "sales", 15);
        lake.table(f.org, "doomed", List.of("k text", "v bigint"), List.of(List.of("a", 1)));
        EmbedFixture.area(api, f.org, f.page, Specs.area("Slow", "slow_sales", "region", "sum", "amount", "bar", 8, 0,
                List.of()));
        EmbedFixture.area(api, f.org, f.page, Specs.area("Doomed", "doomed", "k", "sum", "v", "bar", 8, 6, List.of()));
        lake.drop(f.org, "doomed");
        long start = System.nanoTime();
        String html = api.get("/p/sales", f.org).body();
        long ms = (System.nanoTime() - start) / 1_000_000;
        assertThat(ms).as("page waits for the area budget (3 s), not the 15 s query").isLessThan(12_000);
        assertThat(html).contains("data-state=\"timeout\"", "data-state=\"error\"", "taking longer than usual",
                "not available");
        assertThat(html).contains("data-label=\"north\" data-value=\"15\"", "class=\"kpi-value\" data-value=\"24.5\"");
    }

    private void invalidate() {
        // bypass Kafka here: KafkaInvalidationIT covers the event path
        cache.invalidate(com.dataplatform.analytics.embed.data.ResultCache.dataset(f.org, "sales"));
    }

    @Autowired
    com.dataplatform.analytics.embed.data.ResultCache cache;
}
