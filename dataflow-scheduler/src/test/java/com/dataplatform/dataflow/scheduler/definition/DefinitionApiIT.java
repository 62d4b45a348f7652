package com.dataplatform.dataflow.scheduler.definition;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.dataflow.scheduler.ApiTestBase;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DefinitionApiIT extends ApiTestBase {

    private final String org = newOrg();

    @BeforeEach
    void sales() throws Exception {
        assertThat(putCsv(org, "sales", "id,region,amount\n1,EU,10\n").status()).isEqualTo(200);
    }

    private static String flow(String nodes) {
        return "{\"name\": \"f1\", \"type\": \"etl\", \"nodes\": [" + nodes + "]}";
    }

    private void assertRejected(String body, int status, String field) throws Exception {
        Response r = postJson(org, "/api/dataflows", body);
        assertThat(r.status()).as(r.body()).isEqualTo(status);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.json().path("field").asString()).as(r.body()).isEqualTo(field);
    }

    @Test
    void bad_definitions_are_4xx_naming_the_field_and_store_nothing() throws Exception {
        String src = "{\"id\": \"s\", \"op\": \"source\", \"dataset\": \"sales\"}";
        String out = "{\"id\": \"o\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"t\"}";
        assertRejected(flow(src + ", {\"id\": \"x\", \"op\": \"explode\", \"input\": \"s\"}, " + out), 400, "nodes[1].op");
        assertRejected(flow(src + ", {\"id\": \"o\", \"op\": \"register\", \"input\": \"nope\", \"dataset\": \"t\"}"),
                400, "nodes[1].input");
        assertRejected(flow(src + ", {\"id\": \"s\", \"op\": \"filter\", \"input\": \"s\", \"expr\": \"true\"}, " + out),
                400, "nodes[1].id");
        assertRejected(flow(src + ", " + out + ", {\"id\": \"o2\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"t\"}"),
                400, "nodes[2].dataset");
        assertRejected(flow("{\"id\": \"a\", \"op\": \"filter\", \"input\": \"b\", \"expr\": \"true\"},"
                + "{\"id\": \"b\", \"op\": \"filter\", \"input\": \"a\", \"expr\": \"true\"},"
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"a\", \"dataset\": \"t\"}"), 400, "nodes[0].input");
        assertRejected(flow(src + ", {\"id\": \"f\", \"op\": \"filter\", \"input\": \"s\", \"expr\": \"nope > 1\"}, "
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"f\", \"dataset\": \"t\"}"), 400, "nodes[1].expr");
        assertRejected(flow(src + ", {\"id\": \"f\", \"op\": \"filter\", \"input\": \"s\", \"expr\": \"amount > (1\"}, "
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"f\", \"dataset\": \"t\"}"), 400, "nodes[1].expr");
        assertRejected(flow(src + ", {\"id\": \"g\", \"op\": \"aggregate\", \"input\": \"s\", \"groupBy\": [\"zone\"],"
                + " \"metrics\": [{\"fn\": \"sum\", \"column\": \"amount\", \"as\": \"t\"}]}, "
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"g\", \"dataset\": \"t\"}"), 400, "nodes[1].groupBy[0]");
        assertRejected(flow(src + ", {\"id\": \"o\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"T; drop\"}"),
                400, "nodes[1].dataset");
        assertRejected("{\"name\": \"Bad Name\", \"type\": \"etl\", \"nodes\": [" + src + ", " + out + "]}", 400, "name");
        assertRejected("{\"name\": \"ok\", \"type\": \"etl\"}", 400, "nodes");
        assertThat(get(org, "/api/dataflows").json()).isEmpty();
        assertThat(get(org, "/api/dataflows/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(get(org, "/api/runs/" + java.util.UUID.randomUUID()).status()).isEqualTo(404);
        assertThat(postJson(org, "/api/dataflows/" + java.util.UUID.randomUUID() + "/runs", null).status()).isEqualTo(404);
    }

    @Test
    void every_update_stores_a_new_immutable_version_with_its_read_and_write_sets() throws Exception {
        Response v1 = postJson(org, "/api/dataflows", flow("{\"id\": \"s\", \"op\": \"source\", \"dataset\": \"sales\"},"
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"copy1\"}"));
        assertThat(v1.status()).isEqualTo(201);
        String id = v1.json().path("id").asString();
        Response v2 = putJson(org, "/api/dataflows/" + id, flow("{\"id\": \"s\", \"op\": \"source\", \"dataset\": \"sales\"},"
                + "{\"id\": \"s2\", \"op\": \"source\", \"dataset\": \"other\"},"
                + "{\"id\": \"o\", \"op\": \"register\", \"input\": \"s\", \"dataset\": \"sales\"}"));
        assertThat(v2.status()).as(v2.body()).isEqualTo(200);
        assertThat(v2.json().path("version").asInt()).isEqualTo(2);
        JsonNode versions = get(org, "/api/dataflows/" + id + "/versions").json();
        assertThat(versions).hasSize(2);
        assertThat(versions.get(0).path("writes").toString()).isEqualTo("[\"copy1\"]");
        assertThat(versions.get(1).path("reads").toString()).isEqualTo("[\"other\",\"sales\"]");
        assertThat(versions.get(1).path("writes").toString()).isEqualTo("[\"sales\"]");
        assertThat(get(org, "/api/dataflows/" + id).json().path("version").asInt()).isEqualTo(2);
        assertThat(get(newOrg(), "/api/dataflows/" + id).status()).isEqualTo(404);

        Response a = call(org, "POST", "/api/dataflows/" + id + "/runs", null, null, Map.of("Idempotency-Key", "k1"));
        Response b = call(org, "POST", "/api/dataflows/" + id + "/runs", null, null, Map.of("Idempotency-Key", "k1"));
        assertThat(a.status()).isEqualTo(202);
        assertThat(b.status()).isEqualTo(202);
        assertThat(b.json().path("id").asString()).isEqualTo(a.json().path("id").asString());
        assertThat(a.json().path("dataflowVersion").asInt()).isEqualTo(2);
    }
}
