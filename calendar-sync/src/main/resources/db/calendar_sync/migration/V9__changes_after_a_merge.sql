-- Every change to an event that has a standing fuzzy merge, kept so that undoing the merge can replay them: the
-- survivor is rebuilt from its state before the merge plus each later change that did not come under the merged
-- iCalUID, the split event from the merged copy plus each later change that did. merge_id is the event's latest
-- standing merge when the change was written; undoing that merge hands its remaining rows to the merge before it.
-- kind: 'copy' = a non-master system's copy merged into the event (data = that copy as converted); 'cancel' = the
-- event, or the copy under this iCalUID, was deleted on a CalDAV system (no data); 'master' = a copy of the master
-- system (received, or learnt during write-back): the master holds the event as we wrote it, merged copies and all,
-- so only what it changed against the event as it stood (base) is replayed; wins = whether the master's copy won the
-- live merge (newer).
create table event_merge_change (
    id               bigserial primary key,
    org              text      not null,
    unified_event_id uuid      not null references unified_event (id),
    merge_id         bigint    not null references event_merge (id),
    ical_uid         text      not null,
    kind             text      not null check (kind in ('copy', 'cancel', 'master')),
    data             jsonb,
    base             jsonb,
    wins             boolean
);
create index event_merge_change_by_merge on event_merge_change (merge_id, id);

-- The event's latest merge that is not undone (no row if none): the merge a change of the event is recorded under.
-- Stable, so it sees the snapshot of the statement that calls it.
create function standing_merge(event uuid) returns setof bigint language sql stable as $$
    select id from event_merge where unified_event_id = event and undone_at is null order by id desc limit 1
$$;
