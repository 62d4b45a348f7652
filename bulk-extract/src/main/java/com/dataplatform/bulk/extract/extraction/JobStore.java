package com.dataplatform.bulk.extract.extraction;

import com.dataplatform.common.topics.TopicCatalog;
import com.dataplatform.common.web.RequestIdFilter;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.slf4j.MDC;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/** Jobs, their progress and their leases. Every progress write is fenced by the claim's lease token. */
@Repository
class JobStore {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    JobStore(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /** The new job and its {@code ExtractionStarted} event (payload JSON), in one transaction. */
    void insert(UUID id, String org, List<String> userIds, List<String> entities, int chunkSize, long watermark,
            int chunksTotal, String startedPayload) {
        tx.executeWithoutResult(s -> {
            jdbc.sql("""
                    insert into extraction_job (id, org, user_ids, entities, chunk_size, status, watermark, position,
                        chunks_total)
                    values (:id, :org, :users, :entities, :chunk, 'WATERMARKED', :wm, :wm, :total)""")
                    .param("id", id).param("org", org)
                    .param("users", userIds == null ? null : userIds.toArray(String[]::new))
                    .param("entities", entities.toArray(String[]::new)).param("chunk", chunkSize)
                    .param("wm", watermark).param("total", chunksTotal).update();
            outbox("ExtractionStarted", id, org, startedPayload);
        });
    }

    /**
     * An {@code extract.jobs} event into the outbox, inside the caller's transaction, with the X-Request-Id of the
     * request being served (if any); {@link JobOutboxRelay} publishes it.
     */
    private void outbox(String type, UUID id, String org, String payload) {
        jdbc.sql("""
                insert into outbox (event_id, topic, type, key, tenant, subject, payload, request_id)
                values (:eid, :topic, :type, :key, :org, :key, cast(:payload as jsonb), :rid)""")
                .param("eid", UUID.randomUUID()).param("topic", TopicCatalog.EXTRACT_JOBS.name()).param("type", type)
                .param("key", id.toString()).param("org", org).param("payload", payload)
                .param("rid", MDC.get(RequestIdFilter.MDC_KEY)).update();
    }

    Optional<ExtractionJob> find(UUID id) {
        return jdbc.sql("select * from extraction_job where id = :id").param("id", id).query(JobStore::map).optional();
    }

    Optional<ExtractionJob> find(UUID id, String org) {
        return find(id).filter(j -> j.org().equals(org));
    }

    /** A job this node claimed, with the claim's own lease token (what every write of that claim is fenced by). */
    record Claim(UUID id, String token) {
    }

    /**
     * Claims up to {@code max} runnable jobs whose lease has expired (database time), oldest first, except those in
     * {@code busy} (still being run by a thread of this node that has not noticed it lost them). Every claim writes
     * a new lease token, {@code <node>/<random>}: a thread still running an earlier claim of the same job — on
     * another node or on this one, after a pause longer than the lease — fails every later write. A job still to be
     * snapshotted from an entity this node does not know is left to nodes that do, until its lease has been expired
     * for {@code orphanAfter}: then no node knows the entity any more, and the claimer fails it. A job younger than
     * {@code freshFor} is left to the node that created it, which claims it by {@code only}; any node takes it once
     * it is older.
     */
    List<Claim> claim(String owner, Duration lease, int max, List<String> known, Duration orphanAfter,
            Duration freshFor, UUID only, java.util.Collection<UUID> busy) {
        if (max <= 0) {
            return List.of();
        }
        return jdbc.sql("""
                update extraction_job set lease_owner = :owner || '/' || gen_random_uuid(),
                    lease_until = now() + make_interval(secs => :secs)
                where id in (select id from extraction_job
                             where status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')
                               and (lease_until is null or lease_until < now())
                               and not (id = any(cast(:busy as uuid[])))
                               and (status = 'STREAMING' or entities <@ cast(:known as text[])
                                    or coalesce(lease_until, created_at) < now() - make_interval(secs => :orphan))
                               and (cast(:only as uuid) is null and created_at < now() - make_interval(secs => :fresh)
                                    or id = cast(:only as uuid))
                             order by created_at limit :max for update skip locked)
                returning id, lease_owner""")
                .param("owner", owner).param("secs", lease.toMillis() / 1000.0).param("max", max)
                .param("known", known.toArray(String[]::new)).param("orphan", orphanAfter.toMillis() / 1000.0)
                .param("fresh", freshFor.toMillis() / 1000.0).param("only", only)
                .param("busy", busy.toArray(UUID[]::new))
                .query((rs, n) -> new Claim(rs.getObject(1, UUID.class), rs.getString(2))).list();
    }

    /** Renews the lease; empty if this node no longer owns the job. */
    Optional<ExtractionJob> renew(UUID id, String owner, Duration lease) {
        return jdbc.sql("""
                update extraction_job set lease_until = now() + make_interval(secs => :secs)
                where id = :id and lease_owner = :owner returning *""")
                .param("id", id).param("owner", owner).param("secs", lease.toMillis() / 1000.0)
                .query(JobStore::map).optional();
    }

    /** Ends every lease of this node ({@code owner}: the node part of the tokens its claims wrote). */
    void releaseAll(String owner) {
        jdbc.sql("""
                update extraction_job set lease_until = now()
                where starts_with(lease_owner, :owner || '/') and lease_until > now()""")
                .param("owner", owner).update();
    }

    boolean startChunk(UUID id, String owner, long version, String endKey) {
        return jdbc.sql("""
                update extraction_job set status = 'SNAPSHOTTING', chunk_version = :v, chunk_end_key = :end,
                    updated_at = now()
                where id = :id and lease_owner = :owner and status in ('WATERMARKED', 'SNAPSHOTTING')""")
                .param("id", id).param("owner", owner).param("v", version).param("end", endKey).update() == 1;
    }

    boolean completeChunk(UUID id, String owner, int entityIndex, String lastKey, int rows) {
        return jdbc.sql("""
                update extraction_job set status = 'SNAPSHOTTING', entity_index = :ei, last_key = :lk,
                    chunk_version = null, chunk_end_key = null, chunks_done = chunks_done + case when :rows > 0 then 1 else 0 end,
                    chunks_total = greatest(chunks_total, chunks_done + case when :rows > 0 then 1 else 0 end),
                    rows_sent = rows_sent + :rows, updated_at = now()
                where id = :id and lease_owner = :owner and status in ('WATERMARKED', 'SNAPSHOTTING')""")
                .param("id", id).param("owner", owner).param("ei", entityIndex).param("lk", lastKey)
                .param("rows", rows).update() == 1;
    }

    /**
     * STREAMING, fenced by the lease, and the {@code SnapshotCompleted} marker in the same transaction; the payload is
     * built from the row as updated (chunks and rows sent).
     */
    boolean startStreaming(UUID id, String owner, Function<ExtractionJob, String> markerPayload) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            Optional<ExtractionJob> done = jdbc.sql("""
                    update extraction_job set status = 'STREAMING', chunks_total = chunks_done, updated_at = now()
                    where id = :id and lease_owner = :owner and status in ('WATERMARKED', 'SNAPSHOTTING')
                    returning *""")
                    .param("id", id).param("owner", owner).query(JobStore::map).optional();
            done.ifPresent(job -> outbox("SnapshotCompleted", id, job.org(), markerPayload.apply(job)));
            return done.isPresent();
        }));
    }

    boolean acknowledge(UUID id, String owner, long position, int rows) {
        return jdbc.sql("""
                update extraction_job set position = :p, rows_sent = rows_sent + :rows, updated_at = now()
                where id = :id and lease_owner = :owner and status = 'STREAMING'""")
                .param("id", id).param("owner", owner).param("p", position).param("rows", rows).update() == 1;
    }

    /** CANCELLED and {@code ExtractionCancelled} (payload JSON) in one transaction; false if already finished. */
    boolean cancel(UUID id, String org, String payload) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            boolean cancelled = jdbc.sql("""
                    update extraction_job set status = 'CANCELLED', updated_at = now()
                    where id = :id and status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')""")
                    .param("id", id).update() == 1;
            if (cancelled) {
                outbox("ExtractionCancelled", id, org, payload);
            }
            return cancelled;
        }));
    }

    /**
     * FAILED with the reason, fenced by the lease, and in the same transaction the {@code ExtractionFailed} event
     * (payload JSON) into the outbox: the state and the event are never one without the other.
     */
    boolean fail(UUID id, String owner, String org, String error, String eventPayload) {
        return Boolean.TRUE.equals(tx.execute(s -> {
            boolean failed = jdbc.sql("""
                    update extraction_job set status = 'FAILED', error = :error, updated_at = now()
                    where id = :id and lease_owner = :owner and status in ('WATERMARKED', 'SNAPSHOTTING', 'STREAMING')""")
                    .param("id", id).param("owner", owner).param("error", error).update() == 1;
            if (failed) {
                outbox("ExtractionFailed", id, org, eventPayload);
            }
            return failed;
        }));
    }

    private static ExtractionJob map(ResultSet rs, int row) throws SQLException {
        long cv = rs.getLong("chunk_version");
        Long chunkVersion = rs.wasNull() ? null : cv;
        return new ExtractionJob(rs.getObject("id", UUID.class), rs.getString("org"), list(rs.getArray("user_ids")),
                list(rs.getArray("entities")), rs.getInt("chunk_size"), JobStatus.valueOf(rs.getString("status")),
                rs.getLong("watermark"), rs.getInt("entity_index"), rs.getString("last_key"), chunkVersion,
                rs.getString("chunk_end_key"), rs.getInt("chunks_done"), rs.getInt("chunks_total"),
                rs.getLong("rows_sent"), rs.getLong("position"), rs.getString("error"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }

    private static List<String> list(Array array) throws SQLException {
        return array == null ? null : List.copyOf(Arrays.asList((String[]) array.getArray()));
    }
}
