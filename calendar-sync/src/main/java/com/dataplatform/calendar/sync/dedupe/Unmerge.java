package com.dataplatform.calendar.sync.dedupe;

import com.dataplatform.calendar.sync.ingest.ChangeLog;
import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.ingest.Merge;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.common.web.ApiException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.TransactionStatus;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * Undoes a fuzzy merge, in one transaction: the surviving event is rebuilt from the fields it had before the merge
 * plus every change since that did not come under the merged iCalUID, the merged iCalUID becomes its own unified
 * event again (the copy as it was converted plus every change since that came under it) with its raw copies moved
 * over, the alias is dropped so later copies with that UID land on the split event, and both changes are written
 * back and published.
 */
@Service
public class Unmerge {

    /** Attempts when merges into the event keep arriving between the unlocked read and the locked one. */
    private static final int ATTEMPTS = 5;

    private final JdbcClient jdbc;
    private final EventStore events;
    private final ChangeLog changes;
    private final JsonMapper json;
    private final TransactionTemplate tx;

    Unmerge(JdbcClient jdbc, EventStore events, ChangeLog changes, JsonMapper json, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.events = events;
        this.changes = changes;
        this.json = json;
        this.tx = tx;
    }

    /** The merge to undo and the UIDs it touches, as read before any lock. */
    private record Target(String survivorUid, long mergeId, String mergedUid, UnifiedEvent before,
            UnifiedEvent incoming) {
    }

    /**
     * Undoes the latest merge into the event (rebuilding the event as it was before that merge plus the changes
     * since that did not come under the merged UID, and splitting the merged copy out again with the changes that
     * did); an older merge cannot be undone while later ones stand (409), since restoring its
     * before-state would drop them.
     * <p>
     * Serializes with ingestion the way ingestion serializes with itself: in each transaction the merge is first read
     * without locks to learn the UIDs it touches, then ingestion's advisory locks are taken for them (the survivor's
     * iCalUID, the merged iCalUID and both copies' fuzzy slots; same keys, same order, before any row lock, so undo
     * and ingestion cannot deadlock), and only then the event row is locked and the merge re-read. An ingestion of
     * either UID therefore runs wholly before the undo (its raw copy is then moved to the split event) or wholly
     * after it (it sees no alias and lands on the split event). If another merge into the event arrived between the
     * two reads, the transaction is rolled back and retried with that merge's UIDs.
     */
    public Map<String, Object> undo(String org, UUID eventId, Long mergeId) {
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            Map<String, Object> out = tx.execute(status -> undoOnce(status, org, eventId, mergeId));
            if (out != null) {
                return out;
            }
        }
        throw ApiException.conflict("id", "merges or changes into event " + eventId + " kept arriving while undoing;"
                + " retry");
    }

    /**
     * One attempt in its own transaction; null (and rolled back) if the latest merge or its recorded changes changed
     * between the reads.
     */
    private Map<String, Object> undoOnce(TransactionStatus status, String org, UUID eventId, Long mergeId) {
        Target target = latest(org, eventId, mergeId);
        // the replay as it stands now, for the fuzzy slots the two events will be in: an ingestion into either slot
        // must wait for this undo, or it would miss the event that arrives there (re-checked under the locks below)
        Replay plan = replay(target);
        events.lockLikeIngestion(org, List.of(target.survivorUid(), target.mergedUid()),
                List.of(target.before(), target.incoming(), plan.survivor(), plan.split()));
        if (jdbc.sql("select id from unified_event where org = ? and id = ? for update").params(org, eventId)
                .query(UUID.class).optional().isEmpty()) {
            throw ApiException.notFound("event", eventId);
        }
        Map<String, Object> merge = jdbc.sql("""
                select id, merged_uid, reason from event_merge
                where org = ? and unified_event_id = ? and undone_at is null
                order by id desc limit 1 for update""")
                .params(org, eventId).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("merge", mergeId == null ? eventId : mergeId));
        long id = ((Number) merge.get("id")).longValue();
        if (id != target.mergeId()) {
            // a later merge (of a UID we hold no lock for) committed between the reads: start over with it
            status.setRollbackOnly();
            return null;
        }
        if (mergeId != null && id != mergeId) {
            boolean standing = jdbc.sql("select count(*) from event_merge where org = ? and unified_event_id = ?"
                    + " and id = ? and undone_at is null").params(org, eventId, mergeId).query(Integer.class)
                    .single() > 0;
            if (!standing) {
                throw ApiException.notFound("merge", mergeId);
            }
            throw ApiException.conflict("mergeId", "merge " + mergeId + " has later merges into this event; undo "
                    + merge.get("id") + " first");
        }
        String mergedUid = (String) merge.get("merged_uid");
        // every recorded change is written under the event's row lock, which this holds now: the replay is final
        Replay replay = replay(target);
        if (replay.lastChangeId() != plan.lastChangeId()) {
            // a change (a cancel or the master's, which take no advisory lock) came in since the plan: its slots may
            // differ, start over
            status.setRollbackOnly();
            return null;
        }
        events.replace(org, eventId, replay.survivor());
        UUID split = events.insert(org, replay.split());
        jdbc.sql("update raw_event set unified_event_id = ? where org = ? and unified_event_id = ? and ical_uid = ?")
                .params(split, org, eventId, mergedUid).update();
        jdbc.sql("delete from uid_alias where org = ? and ical_uid = ?").params(org, mergedUid).update();
        jdbc.sql("update event_merge set undone_at = now(), split_event_id = ? where id = ?").params(split, id).update();
        // the survivor's changes since this merge belong to the merge before it (if one still stands), whose undo
        // replays them too; the split event has no merge, so the merged UID's changes are done with
        jdbc.sql("""
                update event_merge_change set merge_id = p.id from standing_merge(?) as p(id)
                where merge_id = ? and ical_uid <> ?""").params(eventId, id, mergedUid).update();
        jdbc.sql("delete from event_merge_change where merge_id = ?").param(id).update();
        changes.changed(org, null, eventId);
        changes.changed(org, null, split);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("mergeId", id);
        out.put("eventId", eventId);
        out.put("splitEventId", split);
        out.put("iCalUID", mergedUid);
        out.put("undoneReason", merge.get("reason"));
        return out;
    }

    /** Both halves as the undo of the target merge would leave them, and the last change it took into account. */
    private record Replay(UnifiedEvent survivor, UnifiedEvent split, long lastChangeId) {
    }

    /**
     * Replays what changed since the merge: the survivor from its state before it plus every change that did not
     * come under the merged UID, the split event from the merged copy plus every change that did.
     */
    private Replay replay(Target target) {
        UnifiedEvent survivor = target.before();
        UnifiedEvent split = target.incoming();
        long last = 0;
        for (Map<String, Object> change : jdbc.sql("""
                select id, ical_uid, kind, data::text as data, base::text as base, wins from event_merge_change
                where merge_id = ? order by id""").param(target.mergeId()).query().listOfRows()) {
            last = ((Number) change.get("id")).longValue();
            if (target.mergedUid().equals(change.get("ical_uid"))) {
                split = apply(split, change);
            } else {
                survivor = apply(survivor, change);
            }
        }
        return new Replay(survivor, split, last);
    }

    /**
     * One recorded change applied to a replayed state, as ingestion, cancel and write-back applied it — a master
     * copy only with what it changed against the event it was merged into (it also repeats what other copies
     * brought, the merged one's among them).
     */
    private UnifiedEvent apply(UnifiedEvent state, Map<String, Object> change) {
        String data = (String) change.get("data");
        UnifiedEvent result = switch ((String) change.get("kind")) {
            case "copy" -> Merge.merge(state, json.readValue(data, UnifiedEvent.class));
            case "master" -> Merge.applyEdit(state, json.readValue((String) change.get("base"), UnifiedEvent.class),
                    json.readValue(data, UnifiedEvent.class), Boolean.TRUE.equals(change.get("wins")));
            case "cancel" -> state.withStatus(UnifiedEvent.Status.CANCELLED);
            default -> throw new IllegalStateException("unknown change kind " + change.get("kind"));
        };
        return result.uid().equals(state.uid()) ? result : Merge.withUid(result, state.uid());
    }

    /** The event's latest standing merge, read without locks (404 as the locked read would answer). */
    private Target latest(String org, UUID eventId, Long mergeId) {
        String survivorUid = jdbc.sql("select ical_uid from unified_event where org = ? and id = ?")
                .params(org, eventId).query(String.class).optional()
                .orElseThrow(() -> ApiException.notFound("event", eventId));
        Map<String, Object> merge = jdbc.sql("""
                select id, merged_uid, before_data::text as before, incoming_data::text as incoming
                from event_merge where org = ? and unified_event_id = ? and undone_at is null
                order by id desc limit 1""")
                .params(org, eventId).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("merge", mergeId == null ? eventId : mergeId));
        return new Target(survivorUid, ((Number) merge.get("id")).longValue(), (String) merge.get("merged_uid"),
                json.readValue((String) merge.get("before"), UnifiedEvent.class),
                json.readValue((String) merge.get("incoming"), UnifiedEvent.class));
    }
}
