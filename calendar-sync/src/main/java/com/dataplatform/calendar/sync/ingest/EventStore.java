package com.dataplatform.calendar.sync.ingest;

import com.dataplatform.calendar.sync.convert.Conversion;
import com.dataplatform.calendar.sync.dedupe.FuzzyMatch;
import com.dataplatform.calendar.sync.system.CalendarSystem;
import com.dataplatform.calendar.sync.unified.EventTime;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/**
 * Keeps the raw copy of every received event and the one unified copy per (org, iCalUID, occurrence). Two systems
 * reporting the same iCalUID land on the same unified row: the second is recorded as a merge, with its reason, and
 * the copies are merged field by field ({@link Merge}). The row is locked while merging, so concurrent pushes of the
 * same meeting serialize instead of losing each other's fields.
 */
@Repository
public class EventStore {

    /** What happened to one received event. */
    public record Stored(String uid, UUID eventId, String status, String reason,
            @com.fasterxml.jackson.annotation.JsonIgnore UnifiedEvent event) {
    }

    private final JdbcClient jdbc;
    private final JsonMapper json;

    /**
     * One payload's working set: the UIDs that already exist (or are fuzzy aliases) and the series fuzzy matching
     * could pick, both fetched and locked up front in two statements; raw copies collected for one batch insert.
     * New events then cost one round trip each (their insert) instead of five.
     */
    public static final class Batch {
        private final java.util.Set<String> known = new java.util.HashSet<>();
        private final List<Existing> pool = new java.util.ArrayList<>();
        private final List<Object[]> raw = new java.util.ArrayList<>();
        private final List<Pending> pending = new java.util.ArrayList<>();
        private final java.util.Set<UUID> pendingIds = new java.util.HashSet<>();
        private final java.util.Map<UUID, UUID> remapped = new java.util.HashMap<>();
        private final java.util.Map<UnifiedEvent, String> serialized = new java.util.IdentityHashMap<>();
        private boolean orgHasMaster;

        /** Whether the org had a master system when the batch was prepared (read with the batch's other rows). */
        public boolean orgHasMaster() {
            return orgHasMaster;
        }

        /** The JSON this batch wrote for the event (the unified copy), so the outbox reuses it; null if none. */
        public String serialized(UnifiedEvent e) {
            return serialized.get(e);
        }

        /** Where a pending insert went: itself, or the row a concurrent request inserted first. */
        public UUID actual(UUID id) {
            return remapped.getOrDefault(id, id);
        }

        public boolean remapped(UUID id) {
            return remapped.containsKey(id);
        }
    }

    private record Pending(UUID id, String org, String rkey, UnifiedEvent event, boolean fromMaster) {
    }

    /**
     * Inserts the batch's new unified rows in one statement. A row another request inserted meanwhile (count 0) is
     * merged into that one instead, and every reference to our id is pointed at it.
     */
    private void flushInserts(Batch b) {
        if (b.pending.isEmpty()) {
            return;
        }
        List<Pending> rows = List.copyOf(b.pending);
        b.pending.clear();
        b.pendingIds.clear();
        int n = rows.size();
        String[] ids = new String[n], orgs = new String[n], uids = new String[n], rkeys = new String[n],
                seqs = new String[n], updated = new String[n], data = new String[n], organizers = new String[n],
                starts = new String[n], recurring = new String[n];
        for (int i = 0; i < n; i++) {
            Pending p = rows.get(i);
            UnifiedEvent e = p.event();
            ids[i] = p.id().toString();
            orgs[i] = p.org();
            uids[i] = e.uid();
            rkeys[i] = p.rkey();
            seqs[i] = Integer.toString(e.sequence());
            updated[i] = e.updatedAt() == null ? null : e.updatedAt().toString();
            data[i] = serialize(b, e);
            organizers[i] = e.organizer();
            starts[i] = e.start().sortKey().toString();
            recurring[i] = Boolean.toString(e.recurrence() != null);
        }
        // one statement for the whole batch; the arrays are cast once (as function arguments), not per row
        java.util.Set<UUID> inserted = new java.util.HashSet<>(jdbc.sql("""
                insert into unified_event (id, org, ical_uid, recurrence_key, sequence, source_updated_at, data,
                                           organizer, start_at, recurring)
                select u.id, u.org, u.uid, u.rkey, u.seq, u.updated, cast(u.data as jsonb), u.organizer, u.start_at,
                       u.recurring
                from unnest(cast(? as uuid[]), cast(? as text[]), cast(? as text[]), cast(? as text[]),
                            cast(? as int[]), cast(? as timestamptz[]), cast(? as text[]), cast(? as text[]),
                            cast(? as timestamptz[]), cast(? as boolean[]))
                     with ordinality as u(id, org, uid, rkey, seq, updated, data, organizer, start_at, recurring, ord)
                order by u.ord
                on conflict (org, ical_uid, recurrence_key) do nothing
                returning id""")
                .param(ids).param(orgs).param(uids).param(rkeys).param(seqs).param(updated).param(data)
                .param(organizers).param(starts).param(recurring).query(UUID.class).list());
        int[] counts = new int[n];
        for (int i = 0; i < n; i++) {
            counts[i] = inserted.contains(rows.get(i).id()) ? 1 : 0;
        }
        for (int i = 0; i < rows.size(); i++) {
            if (counts[i] == 0) {
                Pending p = rows.get(i);
                Existing x = lockExisting(p.org(), p.event().uid(), p.rkey()).orElseThrow();
                UnifiedEvent merged = Merge.merge(x.event(), p.event());
                writeMerged(p.org(), x.event(), x.id(), merged, serialize(b, merged), p.event(), p.fromMaster());
                b.remapped.put(p.id(), x.id());
                b.pool.removeIf(e -> e.id().equals(p.id()));
                for (Object[] raw : b.raw) {
                    if (p.id().equals(raw[7])) {
                        raw[7] = x.id();
                        raw[4] = "merged";
                        raw[5] = "same iCalUID " + p.event().uid() + " as an event stored concurrently";
                    }
                }
            }
        }
    }

    public Batch prepare(String org, List<Conversion> conversions) {
        Batch b = new Batch();
        List<UnifiedEvent> events = conversions.stream().filter(c -> !c.isRejected()).map(Conversion::event).toList();
        if (events.isEmpty()) {
            return b;
        }
        lockKeys(org, events);
        // after the locks, in one statement (its snapshot is taken after they were granted): the UIDs already stored
        // (locked) or merged away by the fuzzy rule, the series in the payload's fuzzy slots (organizer + start,
        // looked up slot by slot on an index, so the cost follows the payload, not the org's event count),
        // and whether the org has a master system
        String[] uids = events.stream().map(UnifiedEvent::uid).distinct().toArray(String[]::new);
        java.util.Set<List<String>> slots = new java.util.LinkedHashSet<>();
        for (UnifiedEvent e : events) {
            if (e.organizer() != null) {
                slots.add(List.of(e.organizer(), e.start().sortKey().toString()));
            }
        }
        String[] organizers = slots.stream().map(x -> x.get(0)).toArray(String[]::new);
        String[] starts = slots.stream().map(x -> x.get(1)).toArray(String[]::new);
        jdbc.sql("""
                with known as (
                    select ical_uid from unified_event where org = ? and ical_uid = any(cast(? as text[])) for update
                ), pool as (
                    -- lateral + offset 0: the planner cannot flatten it, so each slot is one index lookup (on
                    -- unified_event_window: org and start_at are equalities, organizer a filter; V8) whatever
                    -- the (possibly stale) statistics say; a plain join was planned with the org's rows outside and
                    -- the unnest re-evaluated for each of them
                    select p.id, p.data, p.created_at
                    from unnest(cast(? as text[]), cast(? as timestamptz[])) as s(organizer, start_at)
                    cross join lateral (
                        select e.id, e.data, e.created_at from unified_event e
                        where e.org = ? and e.recurrence_key = '' and e.organizer = s.organizer
                          and e.start_at = s.start_at
                        offset 0 for update) p
                    order by p.created_at, p.id limit 2000
                )
                select cast('known' as text) as kind, ical_uid as uid, cast(null as uuid) as id,
                       cast(null as text) as data, cast(null as timestamptz) as created_at from known
                union all
                select 'known', ical_uid, null, null, null from uid_alias where org = ? and ical_uid = any(cast(? as text[]))
                union all
                select 'master', null, null, null, null where exists (select 1 from calendar_system where org = ? and master)
                union all
                select 'pool', null, id, data::text, created_at from pool
                order by 1, 5, 3""")
                .param(org).param(uids).param(organizers).param(starts).param(org).param(org).param(uids).param(org)
                .query((rs, rowNum) -> {
                    switch (rs.getString("kind")) {
                        case "known" -> b.known.add(rs.getString("uid"));
                        case "master" -> b.orgHasMaster = true;
                        default -> b.pool.add(new Existing(rs.getObject("id", UUID.class),
                                json.readValue(rs.getString("data"), UnifiedEvent.class)));
                    }
                    return rowNum;
                }).list();
        return b;
    }

    /**
     * Serializes concurrent ingestion of the same meeting across transactions and nodes, before anything is read:
     * a transaction-scoped advisory lock per iCalUID and per fuzzy slot (organizer + start) of the payload, taken in
     * key order in one statement (so two payloads never deadlock on them). Without it two systems pushing the same
     * meeting at once both find no candidate and both insert — two unified events — or race on the same uid_alias.
     */
    private void lockKeys(String org, List<UnifiedEvent> events) {
        lockKeys(org, events.stream().map(UnifiedEvent::uid).toList(), events);
    }

    /**
     * Takes the advisory locks an ingestion of these events would take — one per iCalUID in {@code uids} and one per
     * fuzzy slot of {@code slotsOf} — with the same keys, in the same (key) order and in one statement. For writers
     * other than ingestion (undo of a merge) that must serialize with it; call it before locking any row, as
     * ingestion does, so the two cannot deadlock.
     */
    public void lockLikeIngestion(String org, java.util.Collection<String> uids,
            java.util.Collection<UnifiedEvent> slotsOf) {
        lockKeys(org, uids, slotsOf);
    }

    private void lockKeys(String org, java.util.Collection<String> uids, java.util.Collection<UnifiedEvent> slotsOf) {
        java.util.TreeSet<Long> keys = new java.util.TreeSet<>();
        for (String uid : uids) {
            keys.add(lockKey("uid", org, uid));
        }
        for (UnifiedEvent e : slotsOf) {
            if (e.organizer() != null && e.recurrenceId() == null) {
                keys.add(lockKey("slot", org, e.organizer() + "|" + e.start().sortKey()));
            }
        }
        jdbc.sql("select count(pg_advisory_xact_lock(k)) from (select unnest(cast(? as bigint[])) k order by 1) s")
                .param(keys.toArray(Long[]::new)).query(Long.class).single();
    }

    /** 64 bits of SHA-256 over the namespaced key (the advisory lock space is shared with other services). */
    static long lockKey(String kind, String org, String value) {
        java.security.MessageDigest sha = SHA256.get(); // one per thread: getInstance looks the provider up every call
        byte[] h = sha.digest(("calendar-sync|" + kind + "|" + org + "|" + value)
                .getBytes(java.nio.charset.StandardCharsets.UTF_8)); // digest() resets it for the next key
        return java.nio.ByteBuffer.wrap(h).getLong();
    }

    private static final ThreadLocal<java.security.MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return java.security.MessageDigest.getInstance("SHA-256");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    });

    /** Writes the batch's new unified rows and its raw copies. */
    public void flush(Batch b) {
        flushInserts(b);
        write(b, ChangeLog.Rows.NONE);
    }

    /**
     * Writes the batch's new unified rows (one statement; rows another request inserted first are merged into theirs),
     * then — in a second statement — its raw copies, and the change log's write-back and calendar.events outbox rows.
     */
    public void flush(Batch b, java.util.function.Supplier<ChangeLog.Rows> changes) {
        flushInserts(b);
        write(b, changes.get());
    }

    private void write(Batch b, ChangeLog.Rows changes) {
        if (b.raw.isEmpty() && changes.isEmpty()) {
            return;
        }
        int n = b.raw.size();
        String[][] raw = new String[9][n];
        for (int i = 0; i < n; i++) {
            Object[] r = b.raw.get(i);
            for (int c = 0; c < 9; c++) {
                raw[c][i] = r[c] == null ? null : r[c].toString();
            }
        }
        b.raw.clear();
        String[][] outbox = changes.outboxColumns();
        // one statement, arrays cast once; "with ordinality ... order by" keeps each table's id order as given
        jdbc.sql("""
                with raw as (
                    insert into raw_event (org, system_id, source_id, payload, status, reason, repairs, unified_event_id,
                                           ical_uid)
                    select r.org, r.system_id, r.source_id, r.payload, r.status, r.reason, cast(r.repairs as jsonb),
                           r.unified_event_id, r.ical_uid
                    from unnest(cast(? as text[]), cast(? as uuid[]), cast(? as text[]), cast(? as text[]),
                                cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as uuid[]),
                                cast(? as text[]))
                         with ordinality as r(org, system_id, source_id, payload, status, reason, repairs,
                                              unified_event_id, ical_uid, ord)
                    order by r.ord
                ), writeback as (
                    insert into writeback_outbox (org, unified_event_id)
                    select w.org, w.id from unnest(cast(? as text[]), cast(? as uuid[])) with ordinality as w(org, id, ord)
                    order by w.ord
                )
                insert into outbox (event_id, topic, type, key, tenant, subject, payload, request_id)
                select o.event_id, o.topic, o.type, o.key, o.tenant, o.subject, o.payload, o.request_id
                from unnest(cast(? as uuid[]), cast(? as text[]), cast(? as text[]), cast(? as text[]),
                            cast(? as text[]), cast(? as text[]), cast(? as text[]), cast(? as text[]))
                     with ordinality as o(event_id, topic, type, key, tenant, subject, payload, request_id, ord)
                order by o.ord""")
                .param(raw[0]).param(raw[1]).param(raw[2]).param(raw[3]).param(raw[4]).param(raw[5]).param(raw[6])
                .param(raw[7]).param(raw[8]).param(changes.writebackOrgs()).param(changes.writebackIds())
                .param(outbox[0]).param(outbox[1]).param(outbox[2]).param(outbox[3]).param(outbox[4]).param(outbox[5])
                .param(outbox[6]).param(outbox[7]).update();
    }

    /** One event, outside any batch. */
    public Stored store(CalendarSystem system, Conversion c) {
        Batch b = prepare(system.org(), List.of(c));
        Stored s = store(system, c, b);
        flush(b);
        return s;
    }

    EventStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    /** Stores one event of a prepared batch; its raw copy is written by {@link #flush}. */
    public Stored store(CalendarSystem system, Conversion c, Batch batch) {
        String raw = c.raw() == null ? "" : c.raw();
        if (c.isRejected()) {
            batch.raw.add(new Object[] {system.org(), system.id(), c.sourceId(), raw, "rejected", c.rejection(), "[]",
                    null, null});
            return new Stored(c.sourceId(), null, "rejected", c.rejection(), null);
        }
        UnifiedEvent e = c.event();
        String org = system.org();
        String rkey = recurrenceKey(e.recurrenceId());
        if (batch.known.contains(e.uid()) && !batch.pending.isEmpty()) {
            flushInserts(batch); // the same UID twice in one payload: the first copy must be in the table
        }
        Optional<Existing> existing = !batch.known.contains(e.uid()) ? Optional.empty()
                : rkey.isEmpty() ? lockExistingOrAlias(org, e.uid()) : lockExisting(org, e.uid(), rkey);
        String fuzzyReason = null;
        boolean viaAlias = existing.isPresent() && !existing.get().event().uid().equals(e.uid());
        if (existing.isEmpty() && rkey.isEmpty()) {
            Optional<Candidate> candidate = fuzzyCandidate(batch, e);
            existing = candidate.map(Candidate::existing);
            fuzzyReason = candidate.map(Candidate::reason).orElse(null);
        }
        UUID id = null;
        UnifiedEvent result = e;
        if (existing.isPresent() && batch.pendingIds.contains(existing.get().id())) {
            flushInserts(batch); // the row we would merge into is still pending: write it first
            existing = existing.map(x -> new Existing(batch.actual(x.id()), x.event()));
        }
        if (existing.isEmpty()) {
            id = UUID.randomUUID();
            batch.pending.add(new Pending(id, org, rkey, e, system.master()));
            batch.pendingIds.add(id);
            if (rkey.isEmpty()) {
                batch.pool.add(new Existing(id, e));
            }
            batch.known.add(e.uid());
        }
        String status;
        String reason;
        if (existing.isPresent()) {
            Existing x = existing.get();
            id = x.id();
            UnifiedEvent merged = Merge.merge(x.event(), e);
            if (!merged.uid().equals(x.event().uid())) {
                merged = Merge.withUid(merged, x.event().uid());
            }
            if (fuzzyReason != null) {
                write(id, merged, serialize(batch, merged)); // the merge row written below keeps what undo needs
            } else {
                writeMerged(org, x.event(), id, merged, serialize(batch, merged), e, system.master());
            }
            result = merged;
            final UUID mergedId = id;
            final UnifiedEvent mergedEvent = merged;
            batch.pool.replaceAll(p -> p.id().equals(mergedId) ? new Existing(mergedId, mergedEvent) : p);
            if (fuzzyReason != null) {
                long mergeId = jdbc.sql("""
                        insert into event_merge (org, unified_event_id, merged_uid, reason, before_data, incoming_data)
                        values (?, ?, ?, ?, cast(? as jsonb), cast(? as jsonb)) returning id""")
                        .params(org, id, e.uid(), fuzzyReason, json.writeValueAsString(x.event()),
                                json.writeValueAsString(e)).query(Long.class).single();
                jdbc.sql("insert into uid_alias (org, ical_uid, unified_event_id, merge_id) values (?, ?, ?, ?)")
                        .params(org, e.uid(), id, mergeId).update();
                batch.known.add(e.uid());
                status = "merged";
                reason = fuzzyReason;
            } else if (viaAlias) {
                status = "merged";
                reason = "iCalUID " + e.uid() + " was merged into " + x.event().uid() + " earlier (fuzzy rule)";
            } else if (fromOtherSystem(id, system.id())) {
                status = "merged";
                reason = "same iCalUID " + e.uid() + " as an event already received from another system; "
                        + (Merge.isNewer(e, x.event()) ? "this copy is newer and wins its fields"
                                : "the stored copy is newer and keeps its fields");
            } else {
                status = c.isRepaired() ? "repaired" : "stored";
                reason = c.isRepaired() ? String.join("; ", c.repairs()) : null;
            }
        } else {
            status = c.isRepaired() ? "repaired" : "stored";
            reason = c.isRepaired() ? String.join("; ", c.repairs()) : null;
        }
        batch.raw.add(new Object[] {org, system.id(), c.sourceId(), raw, status, reason,
                json.writeValueAsString(c.repairs()), id, e.uid()});
        return new Stored(e.uid(), id, status, reason, result);
    }

    /** A new unified event (e.g. the split-off half of an undone merge). */
    public UUID insert(String org, UnifiedEvent e) {
        UUID id = UUID.randomUUID();
        jdbc.sql("""
                insert into unified_event (id, org, ical_uid, recurrence_key, sequence, source_updated_at, data,
                                           organizer, start_at, recurring)
                values (?, ?, ?, ?, ?, ?, cast(? as jsonb), ?, ?, ?)""")
                .params(id, org, e.uid(), recurrenceKey(e.recurrenceId()), e.sequence(), timestamp(e.updatedAt()),
                        json.writeValueAsString(e), e.organizer(), timestamp(e.start().sortKey()), e.recurrence() != null)
                .update();
        return id;
    }

    private String serialize(Batch b, UnifiedEvent e) {
        return b.serialized.computeIfAbsent(e, json::writeValueAsString);
    }

    /** Writes the unified copy and the columns searched on. */
    void write(UUID id, UnifiedEvent e) {
        write(id, e, json.writeValueAsString(e));
    }

    private void write(UUID id, UnifiedEvent e, String data) {
        jdbc.sql("""
                update unified_event set data = cast(:data as jsonb), sequence = :seq, source_updated_at = :updated,
                       organizer = :organizer, start_at = :start, recurring = :recurring, updated_at = now()
                where id = :id""")
                .param("data", data).param("seq", e.sequence())
                .param("updated", timestamp(e.updatedAt())).param("organizer", e.organizer())
                .param("start", timestamp(e.start().sortKey())).param("recurring", e.recurrence() != null)
                .param("id", id).update();
    }

    /**
     * {@link #write(UUID, UnifiedEvent, String)}, and if the event has a standing fuzzy merge, the change that led to
     * it as an {@code event_merge_change} row of that merge, in the same statement (so undoing the merge can replay
     * it). Callers hold the event row's lock from an earlier statement, so this one's snapshot sees the merges as
     * they stand.
     */
    private void writeRecorded(String org, UUID id, UnifiedEvent e, String data, String changeUid, String kind,
            String change, String base, Boolean wins) {
        jdbc.sql("""
                with u as (
                    update unified_event set data = cast(:data as jsonb), sequence = :seq, source_updated_at = :updated,
                           organizer = :organizer, start_at = :start, recurring = :recurring,
                           updated_at = now()
                    where id = :id returning id
                )
                insert into event_merge_change (org, unified_event_id, merge_id, ical_uid, kind, data, base, wins)
                select :org, u.id, m.id, :uid, :kind, cast(:change as jsonb), cast(:base as jsonb), :wins
                from u cross join lateral standing_merge(u.id) as m(id)""")
                .param("data", data).param("seq", e.sequence())
                .param("updated", timestamp(e.updatedAt())).param("organizer", e.organizer())
                .param("start", timestamp(e.start().sortKey())).param("recurring", e.recurrence() != null)
                .param("id", id).param("org", org).param("uid", changeUid).param("kind", kind).param("change", change)
                .param("base", base, java.sql.Types.VARCHAR).param("wins", wins, java.sql.Types.BOOLEAN).update();
    }

    /**
     * A received copy merged into an existing event ({@code existing}, locked): the row written, and the copy recorded
     * for an undo if the event has a standing merge — a master system's copy as what it changed against the event.
     */
    private void writeMerged(String org, UnifiedEvent existing, UUID id, UnifiedEvent merged, String data,
            UnifiedEvent incoming, boolean fromMaster) {
        if (fromMaster) {
            writeRecorded(org, id, merged, data, incoming.uid(), "master", json.writeValueAsString(incoming),
                    json.writeValueAsString(existing), Merge.isNewer(incoming, existing));
        } else {
            writeRecorded(org, id, merged, data, incoming.uid(), "copy", json.writeValueAsString(incoming), null, null);
        }
    }

    /**
     * The master's concurrent change learnt during write-back: merged, under the row lock, into the event as it is
     * now (not as write-back read it before its round trips to the master), stored, and recorded for an undo if the
     * event has a standing merge. Returns what was stored.
     */
    public UnifiedEvent mergeFromMaster(String org, UUID id, UnifiedEvent theirs) {
        UnifiedEvent current = jdbc.sql("select data::text from unified_event where org = ? and id = ? for update")
                .params(org, id).query(String.class).optional().map(d -> json.readValue(d, UnifiedEvent.class))
                .orElseThrow(() -> new IllegalStateException("unified event " + id + " is gone"));
        UnifiedEvent merged = Merge.merge(theirs, current);
        writeRecorded(org, id, merged, json.writeValueAsString(merged), theirs.uid(), "master",
                json.writeValueAsString(theirs), json.writeValueAsString(current), !Merge.isNewer(current, theirs));
        return merged;
    }

    private record Existing(UUID id, UnifiedEvent event) {
    }

    private record Candidate(Existing existing, String reason) {
    }

    private Optional<Existing> lockExisting(String org, String uid, String rkey) {
        return jdbc.sql("""
                select id, data::text as data from unified_event
                where org = ? and ical_uid = ? and recurrence_key = ? for update""")
                .params(org, uid, rkey)
                .query((rs, n) -> new Existing(rs.getObject("id", UUID.class),
                        json.readValue(rs.getString("data"), UnifiedEvent.class)))
                .optional();
    }

    /** The series with this iCalUID, or the one it was merged into by the fuzzy rule (one round trip). */
    private Optional<Existing> lockExistingOrAlias(String org, String uid) {
        return jdbc.sql("""
                select id, data::text as data from unified_event
                where org = ? and recurrence_key = ''
                  and (ical_uid = ? or id = (select unified_event_id from uid_alias where org = ? and ical_uid = ?))
                order by (ical_uid = ?) desc limit 1 for update""")
                .params(org, uid, org, uid, uid)
                .query((rs, n) -> new Existing(rs.getObject("id", UUID.class),
                        json.readValue(rs.getString("data"), UnifiedEvent.class)))
                .optional();
    }

    /** The documented fuzzy rule ({@link FuzzyMatch}) against series with the same organizer and start. */
    private Optional<Candidate> fuzzyCandidate(Batch batch, UnifiedEvent e) {
        if (e.organizer() == null) {
            return Optional.empty();
        }
        for (Existing x : batch.pool) {
            if (x.event().uid().equals(e.uid()) || !e.organizer().equals(x.event().organizer())
                    || !e.start().sortKey().equals(x.event().start().sortKey())) {
                continue;
            }
            Optional<String> reason = FuzzyMatch.match(x.event(), e);
            if (reason.isPresent()) {
                return Optional.of(new Candidate(x, reason.get()));
            }
        }
        return Optional.empty();
    }

    private static Timestamp timestamp(java.time.Instant instant) {
        return instant == null ? null : Timestamp.from(instant);
    }

    private boolean fromOtherSystem(UUID unifiedId, UUID systemId) {
        return jdbc.sql("select exists (select 1 from raw_event where unified_event_id = ? and system_id <> ?)")
                .params(unifiedId, systemId).query(Boolean.class).single();
    }

    /** '' for a series or single event; the occurrence's original start otherwise. */
    static String recurrenceKey(EventTime recurrenceId) {
        if (recurrenceId == null) {
            return "";
        }
        return recurrenceId instanceof EventTime.AllDay d ? d.date().toString() : recurrenceId.sortKey().toString();
    }

    public Optional<UnifiedEvent> load(String org, UUID id) {
        return jdbc.sql("select data::text from unified_event where org = ? and id = ?").params(org, id)
                .query(String.class).optional().map(d -> json.readValue(d, UnifiedEvent.class));
    }

    /** Replaces the unified copy (the survivor of an undone merge; the caller holds the row lock). */
    public void replace(String org, UUID id, UnifiedEvent e) {
        write(id, e);
    }

    /** Marks the org's event (series) with this iCalUID cancelled; its id if there was one. */
    public Optional<UUID> cancel(String org, String uid) {
        // the row lock first, so the next statement's snapshot sees the event's merges as they stand (an undo that
        // committed while this waited is seen); then the cancel and, under a standing merge, its change row
        while (jdbc.sql("select id from unified_event where org = ? and ical_uid = ? and recurrence_key = '' for update")
                .params(org, uid).query(UUID.class).optional().isEmpty()) {
            if (!cancelMergedCopy(org, uid)) {
                return Optional.empty();
            }
            // an undo split the UID off while this waited: it has its own event now, cancel that one
        }
        return jdbc.sql("""
                with u as (
                    update unified_event set data = jsonb_set(data, '{status}', '"CANCELLED"'), updated_at = now()
                    where org = ? and ical_uid = ? and recurrence_key = '' returning id
                ), c as (
                    insert into event_merge_change (org, unified_event_id, merge_id, ical_uid, kind)
                    select ?, u.id, m.id, ?, 'cancel' from u cross join lateral standing_merge(u.id) as m(id)
                )
                select id from u""")
                .params(org, uid, org, uid).query(UUID.class).optional();
    }

    /**
     * A copy merged into another event (its iCalUID an alias) was deleted: the event stays as it is (its other copies
     * still stand), and the deletion is recorded under the merge so that undoing it splits the copy off cancelled.
     * True if an undo committed while this waited for the event (the UID has its own event again; the caller
     * cancels that one); false when done (recorded, or the UID is not merged anywhere).
     */
    private boolean cancelMergedCopy(String org, String uid) {
        Optional<UUID> into = jdbc.sql("""
                select e.id from uid_alias a join unified_event e on e.id = a.unified_event_id
                where a.org = ? and a.ical_uid = ? for update of e""").params(org, uid).query(UUID.class).optional();
        if (into.isEmpty()) {
            return false;
        }
        int recorded = jdbc.sql("""
                insert into event_merge_change (org, unified_event_id, merge_id, ical_uid, kind)
                select ?, a.unified_event_id, m.id, a.ical_uid, 'cancel'
                from uid_alias a cross join lateral standing_merge(a.unified_event_id) as m(id)
                where a.org = ? and a.ical_uid = ?""").params(org, org, uid).update();
        return recorded == 0; // 0: the alias went with an undo that committed while this waited for the row lock
    }

    public List<Map<String, Object>> copies(String org, UUID unifiedId) {
        return jdbc.sql("""
                select r.id, r.system_id as "systemId", s.type as "systemType", s.name as "systemName",
                       r.source_id as "sourceId", r.status, r.reason, r.repairs::text as repairs,
                       r.payload, r.received_at as "receivedAt"
                from raw_event r join calendar_system s on s.id = r.system_id
                where r.org = ? and r.unified_event_id = ? order by r.id""")
                .params(org, unifiedId).query().listOfRows();
    }
}
