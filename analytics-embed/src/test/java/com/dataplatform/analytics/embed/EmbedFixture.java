package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** A sales dataset in a fresh org and a page with three areas over it (bar, table, kpi). */
public final class EmbedFixture {

    public static final List<String> COLUMNS = List.of("region text", "product text", "amount numeric", "units bigint");

    public final String org;
    public final UUID page;
    public final String slug;
    public final String bar;
    public final String table;
    public final String kpi;

    private EmbedFixture(String org, UUID page, String slug, String bar, String table, String kpi) {
        this.org = org;
        this.page = page;
        this.slug = slug;
        this.bar = bar;
        this.table = table;
        this.kpi = kpi;
    }

    public static String freshOrg(String prefix) {
        return prefix + ThreadLocalRandom.current().nextInt(1_000_000_000);
    }

    public static EmbedFixture create(Api api, LakeFixture lake, String org, List<List<Object>> rows,
            List<String> origins) {
        lake.table(org, "sales", COLUMNS, rows);
        HttpResponse<String> p = api.send("POST", "/api/pages", org,
                Specs.page("sales", "Sales <b>overview</b>", "Intro with <script>alert(1)</script> and **bold**", origins));
        assertThat(p.statusCode()).as(p.body()).isEqualTo(201);
        UUID page = UUID.fromString(Api.json(p).path("id").asString());
        String bar = area(api, org, page, Specs.area("Revenue by region", "sales", "region", "sum", "amount", "bar", 0, 0,
                List.of("region")));
        String table = area(api, org, page, Specs.area("Units by product", "sales", "product", "sum", "units", "table",
                0, 6, List.of("region")));
        String kpi = area(api, org, page, Specs.area("Total revenue", "sales", null, "sum", "amount", "kpi", 4, 0,
                List.of()));
        return new EmbedFixture(org, page, "sales", bar, table, kpi);
    }

    public static String area(Api api, String org, UUID page, Map<String, Object> spec) {
        HttpResponse<String> r = api.send("POST", "/api/pages/" + page + "/embeds", org, spec);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Api.json(r).path("id").asString();
    }

    public String token(Api api, Map<String, Object> filters, int ttl) {
        HttpResponse<String> r = api.send("POST", "/api/pages/" + page + "/tokens", org,
                Map.of("ttlSeconds", ttl, "filters", filters));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return Api.json(r).path("token").asString();
    }
}
