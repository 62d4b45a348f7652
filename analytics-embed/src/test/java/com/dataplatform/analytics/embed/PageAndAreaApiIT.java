package com.dataplatform.analytics.embed;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.testsupport.SuiteInfrastructure;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@SuiteInfrastructure
class PageAndAreaApiIT {

    @LocalServerPort
    int port;
    @Autowired
    JdbcClient jdbc;

    Api api;
    LakeFixture lake;
    String org;
    String other;

    @BeforeEach
    void setUp() {
        api = new Api(port);
        lake = new LakeFixture(jdbc);
        int n = ThreadLocalRandom.current().nextInt(1_000_000);
        org = "api" + n;
        other = "apio" + n;
        List<String> cols = List.of("region text", "product text", "amount numeric", "units bigint",
                "sold_at timestamptz");
        List<List<Object>> rows = List.of(List.of("north", "a", 10, 1, java.sql.Timestamp.valueOf("2024-01-01 00:00:00")),
                List.of("south", "b", 5, 2, java.sql.Timestamp.valueOf("2024-01-02 00:00:00")));
        lake.table(org, "sales", cols, rows);
        lake.table(other, "sales", cols, rows);
    }

    private UUID page(String owner, String slug) {
        HttpResponse<String> r = api.send("POST", "/api/pages", owner, Specs.page(slug, "Sales", "# Hi", List.of()));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        assertThat(Api.json(r).path("slug").asString()).isEqualTo(slug);
        return UUID.fromString(Api.json(r).path("id").asString());
    }

    private Map<String, Object> bar(int row, int col) {
        return Specs.area("By region", "sales", "region", "sum", "amount", "bar", row, col, List.of("region"));
    }

    @Test
    void creates_page_with_areas_and_keeps_every_version_with_who_and_when() {
        UUID page = page(org, "sales");
        HttpResponse<String> created = api.send("POST", "/api/pages/" + page + "/embeds", org, bar(0, 0));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String area = Api.json(created).path("id").asString();
        assertThat(Api.json(created).path("version").asInt()).isEqualTo(1);

        HttpResponse<String> updated = api.send("PUT", "/api/embeds/" + area, org,
                Specs.with(bar(0, 0), "title", "Revenue by region"));
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(Api.json(updated).path("version").asInt()).isEqualTo(2);

        JsonNode versions = Api.json(api.get("/api/embeds/" + area + "/versions", org));
        assertThat(versions.size()).isEqualTo(2);
        assertThat(versions.get(0).path("spec").path("title").asString()).isEqualTo("By region");
        assertThat(versions.get(1).path("spec").path("title").asString()).isEqualTo("Revenue by region");
        assertThat(versions.get(1).path("createdBy").asString()).isEqualTo("user-" + org);
        assertThat(versions.get(1).path("createdAt").asString()).isNotBlank();

        JsonNode view = Api.json(api.get("/api/pages/" + page, org));
        assertThat(view.path("page").path("slug").asString()).isEqualTo("sales");
        assertThat(view.path("areas").size()).isEqualTo(1);
        assertThat(view.path("areas").get(0).path("version").asInt()).isEqualTo(2);
        assertThat(view.path("areas").get(0).path("spec").path("title").asString()).isEqualTo("Revenue by region");
    }

    @Test
    void bad_metadata_is_400_naming_the_field_and_nothing_is_stored() {
        UUID page = page(org, "bad");
        Map<String, Object> ok = bar(0, 0);
        Map<String, Map<String, Object>> cases = new java.util.LinkedHashMap<>();
        cases.put("dataset", Specs.with(ok, "dataset", "nope"));
        cases.put("query.groupBy[0]", Specs.with(ok, "query.groupBy", List.of("colour")));
        cases.put("query.metrics[0].column", Specs.with(ok, "query.metrics",
                List.of(Map.of("fn", "sum", "column", "region", "as", "value"))));
        cases.put("allowedFilterColumns[0]", Specs.with(ok, "allowedFilterColumns", List.of("secret")));
        cases.put("query", Specs.with(ok, "query.groupBy", List.of("region", "product")));
        cases.put("query.filters[0].value", Specs.with(ok, "query.filters",
                List.of(Map.of("column", "units", "op", "gt", "value", "1; drop table x"))));
        cases.put("query.filters[0].column", Specs.with(ok, "query.filters",
                List.of(Map.of("column", "region\"; drop", "op", "eq", "value", "x"))));
        cases.put("query.orderBy[0].column", Specs.with(ok, "query.orderBy",
                List.of(Map.of("column", "amount", "direction", "desc"))));
        cases.put("visualization", Specs.with(ok, "visualization", "pie"));
        cases.put("position.width", Specs.with(ok, "position", Map.of("row", 0, "col", 8, "width", 6, "height", 2)));
        cases.put("query.metrics[0].as", Specs.with(ok, "query.metrics",
                List.of(Map.of("fn", "sum", "column", "amount", "as", "x\"; drop"))));
        for (Map.Entry<String, Map<String, Object>> c : cases.entrySet()) {
            HttpResponse<String> r = api.send("POST", "/api/pages/" + page + "/embeds", org, c.getValue());
            assertThat(r.statusCode()).as(c.getKey() + ": " + r.body()).isEqualTo(400);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            assertThat(Api.json(r).path("field").asString()).as(r.body()).isEqualTo(c.getKey());
        }
        assertThat(areaCount(page)).isZero();
    }

    @Test
    void overlapping_positions_and_slug_clashes_are_409_and_nothing_is_stored() {
        UUID page = page(org, "grid");
        assertThat(api.send("POST", "/api/pages/" + page + "/embeds", org, bar(0, 0)).statusCode()).isEqualTo(201);
        HttpResponse<String> overlap = api.send("POST", "/api/pages/" + page + "/embeds", org, bar(2, 3));
        assertThat(overlap.statusCode()).isEqualTo(409);
        assertThat(Api.json(overlap).path("field").asString()).isEqualTo("position");
        assertThat(api.send("POST", "/api/pages/" + page + "/embeds", org, bar(0, 6)).statusCode()).isEqualTo(201);
        assertThat(areaCount(page)).isEqualTo(2);

        HttpResponse<String> clash = api.send("POST", "/api/pages", org, Specs.page("grid", "Again", null, List.of()));
        assertThat(clash.statusCode()).isEqualTo(409);
        assertThat(Api.json(clash).path("field").asString()).isEqualTo("slug");
        // the same slug in another org is fine
        page(other, "grid");
    }

    @Test
    void bad_origins_are_400_naming_the_origin() {
        HttpResponse<String> r = api.send("POST", "/api/pages", org,
                Specs.page("origins", "O", null, List.of("https://ok.example", "javascript:alert(1)")));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Api.json(r).path("field").asString()).isEqualTo("allowedOrigins[1]");
        HttpResponse<String> path = api.send("POST", "/api/pages", org,
                Specs.page("origins", "O", null, List.of("https://ok.example/some/path")));
        assertThat(Api.json(path).path("field").asString()).isEqualTo("allowedOrigins[0]");
        assertThat(jdbc.sql("select count(*) from analytics_embed.page where org = ? and slug = 'origins'")
                .param(org).query(Integer.class).single()).isZero();
    }

    @Test
    void another_orgs_page_area_and_dataset_look_like_they_do_not_exist() {
        UUID page = page(org, "mine");
        String area = Api.json(api.send("POST", "/api/pages/" + page + "/embeds", org, bar(0, 0))).path("id")
                .asString();
        assertThat(api.get("/api/pages/" + page, other).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/embeds/" + area, other).statusCode()).isEqualTo(404);
        assertThat(api.get("/api/embeds/" + area + "/versions", other).statusCode()).isEqualTo(404);
        assertThat(api.send("PUT", "/api/embeds/" + area, other, bar(0, 0)).statusCode()).isEqualTo(404);
        assertThat(api.send("POST", "/api/pages/" + page + "/embeds", other, bar(4, 0)).statusCode()).isEqualTo(404);
        assertThat(api.send("DELETE", "/api/pages/" + page, other, null).statusCode()).isEqualTo(404);
        // org B's own page cannot reference org A's dataset: org A's lake schema is invisible to it
        lake.table(org, "only_a", List.of("k text", "v bigint"), List.of(List.of("x", 1)));
        UUID otherPage = page(other, "theirs");
        HttpResponse<String> r = api.send("POST", "/api/pages/" + otherPage + "/embeds", other,
                Specs.with(bar(0, 0), "dataset", "only_a"));
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(Api.json(r).path("field").asString()).isEqualTo("dataset");
    }

    @Test
    void concurrent_creates_on_overlapping_cells_store_exactly_one_area() throws Exception {
        UUID page = page(org, "race");
        int n = 8;
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(n);
        try {
            java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
            List<java.util.concurrent.Future<Integer>> statuses = new java.util.ArrayList<>();
            for (int i = 0; i < n; i++) {
                int col = i % 3;
                statuses.add(pool.submit(() -> {
                    go.await();
                    return api.send("POST", "/api/pages/" + page + "/embeds", org, bar(0, col)).statusCode();
                }));
            }
            go.countDown();
            List<Integer> codes = new java.util.ArrayList<>();
            for (var f : statuses) {
                codes.add(f.get(60, java.util.concurrent.TimeUnit.SECONDS));
            }
            assertThat(codes).filteredOn(c -> c == 201).hasSize(1);
            assertThat(codes).filteredOn(c -> c == 409).hasSize(n - 1);
            assertThat(areaCount(page)).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    private int areaCount(UUID page) {
        return jdbc.sql("select count(*) from analytics_embed.embed_area where page_id = ?").param(page)
                .query(Integer.class).single();
    }
}
