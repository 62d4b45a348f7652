-- Streams and their assignment (the work-distribution table). All lease times are database time.
create table stream (
    id                 uuid primary key,
    org                text        not null,
    name               text        not null,
    source_topic       text        not null,
    source_type_filter text,
    dest_type          text        not null check (dest_type in ('webhook', 'kafka')),
    dest_url           text,
    dest_secret        text,
    dest_topic         text,
    status             text        not null default 'UNASSIGNED'
        check (status in ('UNASSIGNED', 'ACTIVE', 'DEGRADED', 'PAUSED')),
    owner              text,
    epoch              bigint      not null default 0,
    lease_expires_at   timestamptz,
    -- source partition -> next offset to deliver; written only under the current epoch
    checkpoint         jsonb       not null default '{}'::jsonb,
    lag                bigint,
    last_delivered_at  timestamptz,
    unowned_since      timestamptz default now(),
    created_at         timestamptz not null default now(),
    constraint stream_org_name_unique unique (org, name)
);

create index stream_owner_idx on stream (owner);
create index stream_claimable_idx on stream (lease_expires_at) where status <> 'PAUSED';

-- One row per node; liveness is heartbeat_at (database time) and healthy (its dependencies are reachable).
create table node (
    id           text primary key,
    started_at   timestamptz not null default now(),
    heartbeat_at timestamptz not null,
    healthy      boolean     not null,
    dependencies jsonb       not null default '{}'::jsonb
);
