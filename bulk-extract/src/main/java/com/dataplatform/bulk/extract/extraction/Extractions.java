package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.bulk.extract.feed.ChangeRelay;
import com.dataplatform.bulk.extract.source.SourceTables;
import com.dataplatform.common.web.ApiException;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Starts (takes the watermark), reads and cancels extraction jobs of the caller's org. */
@Service
class Extractions {

    private final JobStore store;
    private final ChangeRelay relay;
    private final SourceTables tables;
    private final JobOutboxRelay outbox;
    private final JsonMapper json;
    private final ExtractProperties props;
    private final JdbcClient jdbc;
    private final ExtractionWorker worker;

    Extractions(JobStore store, ChangeRelay relay, SourceTables tables, JobOutboxRelay outbox, JsonMapper json,
            ExtractProperties props, JdbcClient jdbc, ExtractionWorker worker) {
        this.worker = worker;
        this.store = store;
        this.relay = relay;
        this.tables = tables;
        this.outbox = outbox;
        this.json = json;
        this.props = props;
        this.jdbc = jdbc;
    }

    ExtractionJob start(String org, JsonNode body) {
        ExtractionRequest req = ExtractionRequest.parse(body, tables::exists, props.defaultChunkSize(),
                props.minChunkSize(), props.maxChunkSize());
        if (req.userIds() != null) {
            requireUsersOfOrg(org, req.userIds());
        }
        long watermark = relay.flush();
        int chunksTotal = 0;
        for (String entity : req.entities()) {
            chunksTotal += (int) ((count(org, entity, req.userIds()) + req.chunkSize() - 1) / req.chunkSize());
        }
        UUID id = UUID.randomUUID();
        store.insert(id, org, req.userIds(), req.entities(), req.chunkSize(), watermark, chunksTotal,
                json.writeValueAsString(Map.of("id", id.toString(), "watermark", watermark, "entities",
                        req.entities(), "userIds", req.userIds() == null ? List.of() : req.userIds())));
        ExtractionJob job = store.find(id).orElseThrow();
        worker.wake(id);
        outbox.relaySoon();
        return job;
    }

    /** A user id is of the caller's org when it owns at least one record of the org; anything else is refused. */
    private void requireUsersOfOrg(String org, List<String> userIds) {
        String union = tables.entities().stream()
                .map(e -> "select user_id from " + tables.table(e) + " where org = :org and user_id = any(:users)")
                .collect(Collectors.joining(" union "));
        List<String> known = jdbc.sql(union).param("org", org).param("users", userIds.toArray(String[]::new))
                .query(String.class).list();
        for (int i = 0; i < userIds.size(); i++) {
            if (!known.contains(userIds.get(i))) {
                throw ApiException.unprocessable("userIds[" + i + "]",
                        "user " + userIds.get(i) + " has no records in your org");
            }
        }
    }

    private long count(String org, String entity, List<String> userIds) {
        var q = jdbc.sql("select count(*) from " + tables.table(entity) + " where org = :org"
                + (userIds == null ? "" : " and user_id = any(:users)")).param("org", org);
        q = userIds == null ? q : q.param("users", userIds.toArray(String[]::new));
        return q.query(Long.class).single();
    }

    ExtractionJob get(String org, UUID id) {
        return store.find(id, org).orElseThrow(() -> ApiException.notFound("extraction", id));
    }

    ExtractionJob cancel(String org, UUID id) {
        ExtractionJob job = get(org, id);
        if (!store.cancel(id, org, json.writeValueAsString(Map.of("id", id.toString())))) {
            throw ApiException.conflict("status", "extraction " + id + " is already " + job.status());
        }
        outbox.relaySoon();
        return get(org, id);
    }

    /** Feed versions and milliseconds the job is behind the head of the feed. */
    Map<String, Object> lag(ExtractionJob job) {
        long head = relay.head();
        long from = job.status() == JobStatus.STREAMING ? job.position() : job.watermark();
        Long millis = jdbc.sql("""
                select coalesce((extract(epoch from clock_timestamp() - min(captured_at)) * 1000)::bigint, 0)
                from change_feed where org = :org and version > :from""").param("org", job.org()).param("from", from)
                .query(Long.class).single();
        return Map.of("versions", Math.max(0, head - from), "millis", job.status().active() ? millis : 0);
    }
}
