-- Columns the fuzzy dedupe and the window query search on (kept in step with data by EventStore).
alter table unified_event add column organizer text;
alter table unified_event add column start_at timestamptz;
alter table unified_event add column recurring boolean not null default false;
create index unified_event_fuzzy on unified_event (org, organizer, start_at) where recurrence_key = '';
create index unified_event_window on unified_event (org, start_at);

-- Another iCalUID that was merged into a unified event by the fuzzy rule: later copies with it land there too.
create table uid_alias (
    org              text        not null,
    ical_uid         text        not null,
    unified_event_id uuid        not null references unified_event (id),
    merge_id         bigint      not null,
    primary key (org, ical_uid)
);

-- Every fuzzy merge, with its reason and what is needed to undo it: the survivor as it was before, and the
-- merged copy as converted.
create table event_merge (
    id               bigserial   primary key,
    org              text        not null,
    unified_event_id uuid        not null references unified_event (id),
    merged_uid       text        not null,
    reason           text        not null,
    before_data      jsonb       not null,
    incoming_data    jsonb       not null,
    merged_at        timestamptz not null default now(),
    undone_at        timestamptz,
    split_event_id   uuid
);
create index event_merge_by_event on event_merge (unified_event_id);

-- Transactional outbox for calendar.events: written with the change, published by the relay, then deleted.
create table event_outbox (
    id         bigserial   primary key,
    event_id   uuid        not null,
    type       text        not null,
    key        text        not null,
    org        text        not null,
    subject    text,
    data       jsonb       not null,
    created_at timestamptz not null default now()
);

-- Which iCalUID each raw copy carried (a fuzzy merge is undone by moving that UID's copies back out).
alter table raw_event add column ical_uid text;
