package com.dataplatform.calendar.sync.dedupe;

import com.dataplatform.common.security.SuitePrincipal;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
class MergesController {

    private final Unmerge unmerge;
    private final JdbcClient jdbc;

    MergesController(Unmerge unmerge, JdbcClient jdbc) {
        this.unmerge = unmerge;
        this.jdbc = jdbc;
    }

    /** Fuzzy merges into this event, with their reasons, newest first. */
    @GetMapping("/api/events/{id}/merges")
    List<Map<String, Object>> merges(@PathVariable UUID id, SuitePrincipal principal) {
        return jdbc.sql("""
                select id, merged_uid as "iCalUID", reason, merged_at as "mergedAt", undone_at as "undoneAt",
                       split_event_id as "splitEventId"
                from event_merge where org = ? and unified_event_id = ? order by id desc""")
                .params(principal.org(), id).query().listOfRows();
    }

    /** Undoes the latest (or the given) fuzzy merge into this event. */
    @PostMapping("/api/events/{id}/unmerge")
    Map<String, Object> unmerge(@PathVariable UUID id, @RequestParam(required = false) Long mergeId,
            SuitePrincipal principal) {
        return unmerge.undo(principal.org(), id, mergeId);
    }
}
