package com.dataplatform.calendar.sync.dedupe;

import com.dataplatform.calendar.sync.ingest.ChangeLog;
import com.dataplatform.calendar.sync.ingest.EventStore;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.common.web.ApiException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/**
 * Undoes a fuzzy merge, in one transaction: the surviving event gets back the fields it had before the merge, the
 * merged iCalUID becomes its own unified event again (from the copy as it was converted) with its raw copies moved
 * over, the alias is dropped so later copies with that UID land on the split event, and both changes are written
 * back and published.
 */
@Service
public class Unmerge {

    private final JdbcClient jdbc;
    private final EventStore events;
    private final ChangeLog changes;
    private final JsonMapper json;

    Unmerge(JdbcClient jdbc, EventStore events, ChangeLog changes, JsonMapper json) {
        this.jdbc = jdbc;
        this.events = events;
        this.changes = changes;
        this.json = json;
    }

    /**
     * Undoes the latest merge into the event (restoring the event as it was before that merge and splitting the
     * merged copy out again). The event row is locked first, so an ingestion merging into it concurrently waits; an
     * older merge cannot be undone while later ones stand (409), since restoring its before-state would drop them.
     */
    @Transactional
    public Map<String, Object> undo(String org, UUID eventId, Long mergeId) {
        if (jdbc.sql("select id from unified_event where org = ? and id = ? for update").params(org, eventId)
                .query(UUID.class).optional().isEmpty()) {
            throw ApiException.notFound("event", eventId);
        }
        Map<String, Object> merge = jdbc.sql("""
                select id, merged_uid, reason, before_data::text as before, incoming_data::text as incoming
                from event_merge where org = ? and unified_event_id = ? and undone_at is null
                order by id desc limit 1 for update""")
                .params(org, eventId).query().listOfRows().stream().findFirst()
                .orElseThrow(() -> ApiException.notFound("merge", mergeId == null ? eventId : mergeId));
        if (mergeId != null && ((Number) merge.get("id")).longValue() != mergeId) {
            boolean standing = jdbc.sql("select count(*) from event_merge where org = ? and unified_event_id = ?"
                    + " and id = ? and undone_at is null").params(org, eventId, mergeId).query(Integer.class)
                    .single() > 0;
            if (!standing) {
                throw ApiException.notFound("merge", mergeId);
            }
            throw ApiException.conflict("mergeId", "merge " + mergeId + " has later merges into this event; undo "
                    + merge.get("id") + " first");
        }
        long id = ((Number) merge.get("id")).longValue();
        String mergedUid = (String) merge.get("merged_uid");
        events.replace(org, eventId, json.readValue((String) merge.get("before"), UnifiedEvent.class));
        UUID split = events.insert(org, json.readValue((String) merge.get("incoming"), UnifiedEvent.class));
        jdbc.sql("update raw_event set unified_event_id = ? where org = ? and unified_event_id = ? and ical_uid = ?")
                .params(split, org, eventId, mergedUid).update();
        jdbc.sql("delete from uid_alias where org = ? and ical_uid = ?").params(org, mergedUid).update();
        jdbc.sql("update event_merge set undone_at = now(), split_event_id = ? where id = ?").params(split, id).update();
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
}
