package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.feed.ChangeRelay;
import com.dataplatform.bulk.extract.source.SourceTables;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.PlatformTransactionManager;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * One snapshot chunk per call. A chunk is read in a REPEATABLE READ transaction that first takes the relay lock and
 * relays, so the rows it reads are exactly the committed state at the feed head {@code V} it got: every snapshot
 * record carries that version and is exact at it (V ≥ watermark). The chunk's (V, end key) is stored before its
 * records are sent; a node that resumes an unfinished chunk re-reads exactly that key range and re-sends, with the
 * original V, only keys the feed shows unchanged since V — a changed key is left to the stream, which delivers every
 * change after the watermark.
 */
@Component
class Snapshotter {

    private final JdbcClient jdbc;
    private final TransactionTemplate repeatableRead;
    private final SourceTables tables;
    private final JobStore store;
    private final RecordPublisher publisher;
    private final ObjectProvider<SnapshotProbe> probe;
    private final Counter rows;
    private final Counter chunks;

    Snapshotter(JdbcClient jdbc, PlatformTransactionManager txm, SourceTables tables, JobStore store,
            RecordPublisher publisher, ObjectProvider<SnapshotProbe> probe, MeterRegistry meters) {
        this.jdbc = jdbc;
        this.repeatableRead = new TransactionTemplate(txm);
        this.repeatableRead.setIsolationLevel(TransactionDefinition.ISOLATION_REPEATABLE_READ);
        this.tables = tables;
        this.store = store;
        this.publisher = publisher;
        this.probe = probe;
        this.rows = Counter.builder("bulk_extract.rows.sent").tag("phase", "snapshot").register(meters);
        this.chunks = Counter.builder("bulk_extract.chunks").description("snapshot chunks sent").register(meters);
    }

    private record Row(String id, String userId, String data) {
    }

    private record Chunk(long version, List<Row> rows, Set<String> changed) {
    }

    /** Sends the next chunk; returns false when the snapshot is complete. */
    boolean step(ExtractionJob job, String owner) {
        if (job.entityIndex() >= job.entities().size()) {
            return false;
        }
        String entity = job.entities().get(job.entityIndex());
        if (!tables.exists(entity)) {
            throw new ExtractionFailure("entity " + entity + " is no longer configured (bulk-extract.entities)");
        }
        boolean resuming = job.chunkVersion() != null;
        Chunk chunk = repeatableRead.execute(s -> read(job, entity));
        long version = resuming ? job.chunkVersion() : chunk.version();
        List<ExtractedRecord> records = chunk.rows().stream().filter(r -> !chunk.changed().contains(r.id()))
                .map(r -> new ExtractedRecord("snapshot", entity, r.id(), r.userId(), version, r.data())).toList();
        String endKey = resuming ? job.chunkEndKey()
                : chunk.rows().isEmpty() ? null : chunk.rows().get(chunk.rows().size() - 1).id();
        if (endKey == null) {
            fenced(store.completeChunk(job.id(), owner, job.entityIndex() + 1, null, 0));
            return true;
        }
        if (!resuming) {
            fenced(store.startChunk(job.id(), owner, version, endKey));
        }
        SnapshotProbe observer = probe.getIfAvailable();
        if (observer == null) {
            publisher.publishAll(job, records);
        } else {
            int half = records.size() / 2;
            publisher.publishAll(job, records.subList(0, half));
            observer.midChunk(job.id(), job.chunksDone());
            publisher.publishAll(job, records.subList(half, records.size()));
        }
        boolean entityDone = !resuming && chunk.rows().size() < job.chunkSize();
        fenced(entityDone ? store.completeChunk(job.id(), owner, job.entityIndex() + 1, null, records.size())
                : store.completeChunk(job.id(), owner, job.entityIndex(), endKey, records.size()));
        rows.increment(records.size());
        chunks.increment();
        return true;
    }

    private Chunk read(ExtractionJob job, String entity) {
        long head = ChangeRelay.lockAndMove(jdbc);
        String table = tables.table(entity);
        String group = job.wholeOrg() ? "" : " and user_id = any(:users)";
        String from = job.lastKey() == null ? "" : " and id > :from";
        String[] users = job.wholeOrg() ? null : job.userIds().toArray(String[]::new);
        if (job.chunkVersion() == null) {
            var q = jdbc.sql("select id, user_id, payload::text from " + table + " where org = :org" + group + from
                    + " order by id limit :limit").param("org", job.org()).param("limit", job.chunkSize());
            q = users == null ? q : q.param("users", users);
            q = job.lastKey() == null ? q : q.param("from", job.lastKey());
            return new Chunk(head, q.query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list(),
                    Set.of());
        }
        var q = jdbc.sql("select id, user_id, payload::text from " + table + " where org = :org" + group + from
                + " and id <= :to order by id").param("org", job.org()).param("to", job.chunkEndKey());
        q = users == null ? q : q.param("users", users);
        q = job.lastKey() == null ? q : q.param("from", job.lastKey());
        List<Row> rowsRead = q.query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getString(3))).list();
        var c = jdbc.sql("select distinct record_id from change_feed where org = :org and entity = :entity"
                + " and version > :cv and version <= :head" + (job.lastKey() == null ? "" : " and record_id > :from")
                + " and record_id <= :to").param("org", job.org()).param("entity", entity)
                .param("cv", job.chunkVersion()).param("head", head).param("to", job.chunkEndKey());
        c = job.lastKey() == null ? c : c.param("from", job.lastKey());
        return new Chunk(head, rowsRead, new HashSet<>(c.query(String.class).list()));
    }

    private static void fenced(boolean updated) {
        if (!updated) {
            throw new LeaseLostException();
        }
    }
}
