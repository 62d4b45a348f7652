package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.bulk.extract.feed.ChangeRelay;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Streams the feed after the job's position, in version order, keeping only changes of the job's org, entities and
 * group. A record that moves out of the group (its user changes to one outside) is sent as a delete. The position is
 * stored only after Kafka acknowledged the round, so a restart re-sends from the last acknowledged position.
 */
@Component
class Streamer {

    private final JdbcClient jdbc;
    private final ChangeRelay relay;
    private final JobStore store;
    private final RecordPublisher publisher;
    private final int batch;
    private final Counter rows;

    Streamer(JdbcClient jdbc, ChangeRelay relay, JobStore store, RecordPublisher publisher, ExtractProperties props,
            MeterRegistry meters) {
        this.jdbc = jdbc;
        this.relay = relay;
        this.store = store;
        this.publisher = publisher;
        this.batch = props.streamBatch();
        this.rows = Counter.builder("bulk_extract.rows.sent").tag("phase", "stream").register(meters);
    }

    private record Change(long version, String entity, String id, String userId, String oldUserId, String op,
            byte[] data) {
    }

    /** Publishes one round; returns the number of feed changes read (0 = caught up). */
    int step(ExtractionJob job, String owner) {
        long head = relay.head(); // every version ≤ head is committed: the feed below it has no holes
        if (head <= job.position()) {
            return 0;
        }
        String group = job.wholeOrg() ? "" : " and (user_id = any(:users) or old_user_id = any(:users))";
        var q = jdbc.sql("select version, entity, record_id, user_id, old_user_id, op, data::text from change_feed"
                + " where org = :org and version > :pos and version <= :head and entity = any(:entities)" + group
                + " order by version limit :limit")
                .param("org", job.org()).param("pos", job.position()).param("head", head)
                .param("entities", job.entities().toArray(String[]::new)).param("limit", batch);
        q = job.wholeOrg() ? q : q.param("users", job.userIds().toArray(String[]::new));
        List<Change> changes = q.query((rs, i) -> new Change(rs.getLong(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getBytes(7))).list();
        List<ExtractedRecord> out = new ArrayList<>(changes.size());
        for (Change c : changes) {
            if (job.inGroup(c.userId())) {
                out.add(new ExtractedRecord(c.op(), c.entity(), c.id(), c.userId(), c.version(),
                        "delete".equals(c.op()) ? null : c.data()));
            } else if (job.inGroup(c.oldUserId())) {
                out.add(new ExtractedRecord("delete", c.entity(), c.id(), c.oldUserId(), c.version(), null));
            }
        }
        publisher.publishAll(job, out);
        long position = changes.size() < batch ? head : changes.get(changes.size() - 1).version();
        if (!store.acknowledge(job.id(), owner, position, out.size())) {
            throw new LeaseLostException();
        }
        rows.increment(out.size());
        return changes.size();
    }
}
