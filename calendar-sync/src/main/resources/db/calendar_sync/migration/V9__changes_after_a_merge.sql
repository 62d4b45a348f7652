-- Every change to an event that has a standing fuzzy merge, kept so that undoing the merge can replay them: the
-- survivor is rebuilt from its state before the merge plus each later change that did not come under the merged
-- iCalUID, the split event from the merged copy plus each later change that did. merge_id is the event's latest
-- standing merge when the change was written; undoing that merge hands its remaining rows to the merge before it.
-- kind: 'copy' = a received copy merged into the event (data = that copy as converted), 'cancel' = the event was
-- cancelled (no data), 'master' = the master's concurrent change learnt during write-back (data = the master's copy).
create table event_merge_change (
    id               bigserial primary key,
    org              text      not null,
    unified_event_id uuid      not null references unified_event (id),
    merge_id         bigint    not null references event_merge (id),
    ical_uid         text      not null,
    kind             text      not null check (kind in ('copy', 'cancel', 'master')),
    data             jsonb
);
create index event_merge_change_by_merge on event_merge_change (merge_id, id);
