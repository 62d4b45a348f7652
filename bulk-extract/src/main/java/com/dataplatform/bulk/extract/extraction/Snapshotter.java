package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.bulk.extract.feed.ChangeRelay;
import com.dataplatform.bulk.extract.source.SourceTables;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.springframework.beans.factory.DisposableBean;
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
 * <p>
 * Pipelined: while a chunk's records are being sent and acknowledged, the next chunk is already read (on another
 * thread and connection, at its own head V' ≥ V). Only one chunk is ever in flight on Kafka, and its progress is still
 * stored only after Kafka acknowledged all of it, so the resume protocol is unchanged; a read-ahead is used only if
 * the job's stored cursor is still the one it was read from (otherwise it is dropped and the chunk read again).
 */
@Component
class Snapshotter implements DisposableBean {

    private final JdbcClient jdbc;
    private final TransactionTemplate repeatableRead;
    private final SourceTables tables;
    private final JobStore store;
    private final RecordPublisher publisher;
    private final ObjectProvider<SnapshotProbe> probe;
    private final Counter rows;
    private final Counter chunks;
    private final Map<UUID, ReadAhead> readAhead = new ConcurrentHashMap<>();
    private final ExecutorService readers = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "snapshot-read-ahead");
        t.setDaemon(true);
        return t;
    });

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

    private record Row(String id, String userId, byte[] data) {
    }

    private record Chunk(long version, List<Row> rows, Set<String> changed) {
    }

    /** A chunk read ahead from cursor (entityIndex, fromKey). */
    private record ReadAhead(int entityIndex, String fromKey, CompletableFuture<Chunk> chunk) {
    }

    /** Sends the next chunk; returns false when the snapshot is complete. */
    boolean step(ExtractionJob job, String owner) {
        if (job.entityIndex() >= job.entities().size()) {
            forget(job.id());
            return false;
        }
        String entity = job.entities().get(job.entityIndex());
        if (!tables.exists(entity)) {
            throw new ExtractionFailure("entity " + entity + " is no longer configured (bulk-extract.entities)");
        }
        boolean resuming = job.chunkVersion() != null;
        Chunk chunk = resuming ? null : takeReadAhead(job);
        if (chunk == null) {
            chunk = repeatableRead.execute(s -> resuming ? reread(job, entity)
                    : read(job, job.entityIndex(), job.lastKey()));
        }
        long version = resuming ? job.chunkVersion() : chunk.version();
        List<ExtractedRecord> records = new ArrayList<>(chunk.rows().size());
        for (Row r : chunk.rows()) {
            if (!chunk.changed().contains(r.id())) {
                records.add(new ExtractedRecord("snapshot", entity, r.id(), r.userId(), version, r.data()));
            }
        }
        String endKey = resuming ? job.chunkEndKey()
                : chunk.rows().isEmpty() ? null : chunk.rows().get(chunk.rows().size() - 1).id();
        if (endKey == null) {
            fenced(store.completeChunk(job.id(), owner, job.entityIndex() + 1, null, 0));
            return true;
        }
        if (!resuming) {
            fenced(store.startChunk(job.id(), owner, version, endKey));
        }
        boolean entityDone = !resuming && chunk.rows().size() < job.chunkSize();
        if (!entityDone) {
            startReadAhead(job, job.entityIndex(), endKey);
        } else if (job.entityIndex() + 1 < job.entities().size()) {
            startReadAhead(job, job.entityIndex() + 1, null);
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
        fenced(entityDone ? store.completeChunk(job.id(), owner, job.entityIndex() + 1, null, records.size())
                : store.completeChunk(job.id(), owner, job.entityIndex(), endKey, records.size()));
        rows.increment(records.size());
        chunks.increment();
        return true;
    }

    /** Drops what was read ahead for a job this node no longer runs. */
    void forget(UUID jobId) {
        ReadAhead r = readAhead.remove(jobId);
        if (r != null) {
            r.chunk().cancel(false);
        }
    }

    private void startReadAhead(ExtractionJob job, int entityIndex, String fromKey) {
        if (!tables.exists(job.entities().get(entityIndex))) {
            return;
        }
        CompletableFuture<Chunk> next = CompletableFuture.supplyAsync(
                () -> repeatableRead.execute(s -> read(job, entityIndex, fromKey)), readers);
        ReadAhead previous = readAhead.put(job.id(), new ReadAhead(entityIndex, fromKey, next));
        if (previous != null) {
            previous.chunk().cancel(false);
        }
    }

    /** The chunk read ahead from the job's stored cursor, or null (none, another cursor, or the read failed). */
    private Chunk takeReadAhead(ExtractionJob job) {
        ReadAhead r = readAhead.remove(job.id());
        if (r == null || r.entityIndex() != job.entityIndex() || !Objects.equals(r.fromKey(), job.lastKey())) {
            if (r != null) {
                r.chunk().cancel(false);
            }
            return null;
        }
        try {
            return r.chunk().join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            return null; // read again on this thread: a persistent error surfaces there
        }
    }

    /** The first chunk after {@code fromKey}: exactly the committed state at the head it returns. */
    private Chunk read(ExtractionJob job, int entityIndex, String fromKey) {
        long head = ChangeRelay.lockAndMove(jdbc);
        String table = tables.table(job.entities().get(entityIndex));
        String group = job.wholeOrg() ? "" : " and user_id = any(:users)";
        String from = fromKey == null ? "" : " and id > :from";
        var q = jdbc.sql("select id, user_id, payload from " + table + " where org = :org" + group + from
                + " order by id limit :limit").param("org", job.org()).param("limit", job.chunkSize());
        q = job.wholeOrg() ? q : q.param("users", job.userIds().toArray(String[]::new));
        q = fromKey == null ? q : q.param("from", fromKey);
        // getBytes of a jsonb column is its text form as sent (UTF-8): passed through without decoding
        return new Chunk(head, q.query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3))).list(),
                Set.of());
    }

    /** The unfinished chunk again: its stored key range, and the keys changed since its version. */
    private Chunk reread(ExtractionJob job, String entity) {
        long head = ChangeRelay.lockAndMove(jdbc);
        String table = tables.table(entity);
        String group = job.wholeOrg() ? "" : " and user_id = any(:users)";
        String from = job.lastKey() == null ? "" : " and id > :from";
        var q = jdbc.sql("select id, user_id, payload from " + table + " where org = :org" + group + from
                + " and id <= :to order by id").param("org", job.org()).param("to", job.chunkEndKey());
        q = job.wholeOrg() ? q : q.param("users", job.userIds().toArray(String[]::new));
        q = job.lastKey() == null ? q : q.param("from", job.lastKey());
        List<Row> rowsRead = q.query((rs, i) -> new Row(rs.getString(1), rs.getString(2), rs.getBytes(3))).list();
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

    @Override
    public void destroy() {
        readers.shutdownNow();
    }
}
