package com.dataplatform.bulk.extract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.dataplatform.bulk.extract.support.Http;
import com.dataplatform.bulk.extract.support.Nodes;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A node whose records producer cannot reach Kafka keeps its job and retries it, however long that takes: an outage
 * is not the job's fault, and a job that failed for it could not be resumed. (Before, Kafka errors counted like any
 * other, and five in a row failed the job.)
 */
class KafkaUnavailableIT {

    @Test
    void a_job_waits_out_a_kafka_it_cannot_reach_instead_of_failing() {
        // the records producer points at a closed loopback port: no metadata within max.block.ms, every send fails
        ConfigurableApplicationContext node = Nodes.start(null, Map.of(
                "bulk-extract.records-producer.[bootstrap.servers]", "127.0.0.1:1",
                "bulk-extract.records-producer.[max.block.ms]", "300",
                "bulk-extract.records-producer.[request.timeout.ms]", "300",
                "bulk-extract.records-producer.[delivery.timeout.ms]", "400"));
        try {
            Http http = Nodes.http(node);
            String org = "kafkadown";
            assertThat(http.post(org, "/api/sources/contacts/records",
                    "{\"upserts\": [{\"id\": \"k1\", \"userId\": \"u1\", \"data\": {}}]}").status()).isEqualTo(200);
            var started = http.post(org, "/api/extractions", "{\"entities\": [\"contacts\"]}");
            assertThat(started.status()).isEqualTo(202);
            String id = started.body().path("id").asString();
            // well over five failed publishes (one per ~0.3 s + a back-off capped at a third of the 3 s lease)
            await().during(Duration.ofSeconds(12)).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(500))
                    .until(() -> Set.of("WATERMARKED", "SNAPSHOTTING").contains(
                            http.get(org, "/api/extractions/" + id).body().path("status").asString()));
            assertThat(http.get(org, "/api/extractions/" + id).body().path("rowsSent").asLong()).isZero();
            assertThat(http.post(org, "/api/extractions/" + id + "/cancel", "").status()).isEqualTo(200);
        } finally {
            node.close();
        }
    }
}
