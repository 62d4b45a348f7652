-- Calendar systems of an org; at most one master per org.
create table calendar_system (
    id          uuid        primary key,
    org         text        not null,
    type        text        not null check (type in ('caldav', 'google', 'graph')),
    name        text        not null,
    master      boolean     not null,
    base_url    text,
    username    text,
    time_zone   text        not null,
    created_at  timestamptz not null default now(),
    unique (org, name)
);
create unique index one_master_per_org on calendar_system (org) where master;

-- The unified copy: one row per series (recurrence_key = '') or per changed/cancelled occurrence
-- (recurrence_key = the occurrence's original start), keyed by iCalendar UID within the org.
create table unified_event (
    id                uuid        primary key,
    org               text        not null,
    ical_uid          text        not null,
    recurrence_key    text        not null default '',
    sequence          int         not null,
    source_updated_at timestamptz,
    data              jsonb       not null,
    created_at        timestamptz not null default now(),
    updated_at        timestamptz not null default now(),
    unique (org, ical_uid, recurrence_key)
);

-- The raw copy exactly as received, with what happened to it.
create table raw_event (
    id               bigserial   primary key,
    org              text        not null,
    system_id        uuid        not null references calendar_system (id),
    source_id        text,
    payload          text        not null,
    status           text        not null check (status in ('stored', 'repaired', 'merged', 'rejected')),
    reason           text,
    repairs          jsonb       not null default '[]',
    unified_event_id uuid        references unified_event (id),
    received_at      timestamptz not null default now()
);
create index raw_event_by_unified on raw_event (unified_event_id);
create index raw_event_by_system on raw_event (system_id, status);
