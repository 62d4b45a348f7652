-- CalDAV credentials (AES-GCM, key from calendar.credentials-key; never returned) and RFC 6578 sync state.
alter table calendar_system add column password_enc bytea;
alter table calendar_system add column sync_token text;

-- One row per CalDAV resource (href) seen on a system: its etag (for skipping unchanged resources on a full
-- resync and for If-Match on writes) and the iCalUID it holds.
create table caldav_resource (
    system_id  uuid        not null references calendar_system (id),
    href       text        not null,
    etag       text,
    ical_uid   text,
    synced_at  timestamptz not null default now(),
    primary key (system_id, href)
);
create index caldav_resource_by_uid on caldav_resource (system_id, ical_uid);

-- The master copy: the unified event rendered in the master system's schema, where it was written (href for
-- CalDAV), the etag the master gave it (a sync that sees this href with this etag is our own echo) and what the
-- master schema could not express.
create table master_copy (
    unified_event_id uuid        primary key references unified_event (id),
    org              text        not null,
    system_id        uuid        not null references calendar_system (id),
    href             text,
    etag             text,
    payload          text        not null,
    losses           jsonb       not null default '[]',
    status           text        not null check (status in ('written', 'queued', 'failed')),
    error            text,
    written_at       timestamptz not null default now()
);
create index master_copy_by_href on master_copy (system_id, href);

-- Durable write-back outbox: a row is inserted in the transaction that changed the unified event, and removed only
-- after the master copy is written, so a crash in between loses nothing (the worker re-does it).
create table writeback_outbox (
    id               bigserial   primary key,
    org              text        not null,
    unified_event_id uuid        not null references unified_event (id),
    created_at       timestamptz not null default now(),
    available_at     timestamptz not null default now(),
    attempts         int         not null default 0,
    last_error       text
);
create index writeback_outbox_due on writeback_outbox (available_at);
