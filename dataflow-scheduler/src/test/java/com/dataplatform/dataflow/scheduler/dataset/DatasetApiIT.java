package com.dataplatform.dataflow.scheduler.dataset;

import static org.assertj.core.api.Assertions.assertThat;

import com.dataplatform.common.events.CloudEventCodec;
import com.dataplatform.common.events.ReceivedEvent;
import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.dataflow.scheduler.ApiTestBase;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class DatasetApiIT extends ApiTestBase {

    private final String org = newOrg();

    @Test
    void upload_infers_types_stores_rows_bumps_version_and_announces_each_write() throws Exception {
        String csv = "id,region,amount,active,at,note\n"
                + "1,EU,10.5,true,2024-01-01T10:00:00Z,\"hello, world\"\n"
                + "2,US,-3,false,2024-01-02,\n"
                + "3,EU,7,TRUE,2024-01-03T00:00:00,\"say \"\"hi\"\"\"\r\n";
        Response put = putCsv(org, "sales", csv);
        assertThat(put.status()).as(put.body()).isEqualTo(200);
        JsonNode body = put.json();
        assertThat(body.path("version").asLong()).isEqualTo(1);
        assertThat(body.path("rowCount").asLong()).isEqualTo(3);
        assertThat(body.path("columns").toString()).isEqualTo("[{\"name\":\"id\",\"type\":\"bigint\"},"
                + "{\"name\":\"region\",\"type\":\"text\"},{\"name\":\"amount\",\"type\":\"numeric\"},"
                + "{\"name\":\"active\",\"type\":\"boolean\"},{\"name\":\"at\",\"type\":\"timestamp\"},"
                + "{\"name\":\"note\",\"type\":\"text\"}]");

        Response rows = get(org, "/api/datasets/sales/rows?limit=10");
        assertThat(rows.status()).isEqualTo(200);
        assertThat(rows.json().get(0).path("note").asString()).isEqualTo("hello, world");
        assertThat(rows.json().get(1).path("note").isNull()).isTrue();
        assertThat(rows.json().get(2).path("note").asString()).isEqualTo("say \"hi\"");

        assertThat(putCsv(org, "sales", "id\n1\n2\n").json().path("version").asLong()).isEqualTo(2);
        JsonNode got = get(org, "/api/datasets/sales").json();
        assertThat(got.path("version").asLong()).isEqualTo(2);
        assertThat(got.path("rowCount").asLong()).isEqualTo(2);

        String relation = jdbc.sql("select relation || '|' || producer from lake.datasets where org = :o and name = 'sales'")
                .param("o", org).query(String.class).single();
        assertThat(relation).isEqualTo("\"lake_" + org + "\".\"sales\"|dataflow-scheduler");

        List<ConsumerRecord<String, byte[]>> records = readTopic(TopicCatalog.DATASETS_CHANGES.name(),
                Duration.ofSeconds(60), l -> l.stream().filter(r -> r.key().equals(org + ".sales")).count() >= 2);
        List<ReceivedEvent> mine = records.stream().filter(r -> r.key().equals(org + ".sales"))
                .map(CloudEventCodec::read).toList();
        assertThat(mine).hasSize(2);
        assertThat(mine.get(0).type()).isEqualTo("DatasetUpdated");
        assertThat(mine.get(0).tenant()).isEqualTo(org);
        assertThat(new String(mine.get(1).data())).contains("\"version\":2").contains("\"rowCount\":2");
    }

    @Test
    void ragged_rows_and_missing_headers_are_400_naming_the_field_and_store_nothing() throws Exception {
        Response ragged = putCsv(org, "bad", "a,b\n1,2\n3\n");
        assertThat(ragged.status()).isEqualTo(400);
        assertThat(ragged.contentType()).startsWith("application/problem+json");
        assertThat(ragged.json().path("field").asString()).isEqualTo("row[2]");

        Response noHeader = putCsv(org, "bad", "1,2\n3,4\n");
        assertThat(noHeader.status()).isEqualTo(400);
        assertThat(noHeader.json().path("field").asString()).isEqualTo("header[0]");

        Response empty = putCsv(org, "bad", "");
        assertThat(empty.status()).isEqualTo(400);

        Response badName = putCsv(org, "Bad-Name", "a\n1\n");
        assertThat(badName.status()).isEqualTo(400);
        assertThat(badName.json().path("field").asString()).isEqualTo("name");

        assertThat(get(org, "/api/datasets/bad").status()).isEqualTo(404);
        Integer outbox = jdbc.sql("select count(*) from dataflow_scheduler.outbox where tenant = :o").param("o", org)
                .query(Integer.class).single();
        assertThat(outbox).isZero();
    }

    @Test
    void another_orgs_dataset_looks_like_404() throws Exception {
        assertThat(putCsv(org, "secret", "a\n1\n").status()).isEqualTo(200);
        assertThat(get(newOrg(), "/api/datasets/secret").status()).isEqualTo(404);
        assertThat(get(newOrg(), "/api/datasets/secret/rows").status()).isEqualTo(404);
    }
}
