-- Transactional outbox: rows are written in the same transaction as the change they announce and relayed to
-- Kafka by OutboxRelay with a fixed ce_id (event_id), so a crash between commit and send re-sends, never loses.
create table outbox (
    id         bigserial   primary key,
    event_id   uuid        not null unique,
    topic      text        not null,
    type       text        not null,
    key        text        not null,
    tenant     text        not null,
    subject    text,
    payload    jsonb       not null,
    created_at timestamptz not null default now()
);

create table dataflow (
    id              uuid        primary key,
    org             text        not null,
    name            text        not null,
    type            text        not null,
    current_version int         not null,
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    unique (org, name)
);

-- Immutable: one row per create/update, with the full read and write sets.
create table dataflow_version (
    dataflow_id uuid        not null references dataflow (id),
    version     int         not null,
    type        text        not null,
    definition  jsonb       not null,
    reads       text[]      not null,
    writes      text[]      not null,
    created_at  timestamptz not null default now(),
    primary key (dataflow_id, version)
);

create table type_limit (
    org         text not null,
    type        text not null,
    max_running int  not null check (max_running >= 0),
    primary key (org, type)
);

-- Running runs per (org, type); changed only by the dispatcher (start) and by finishing a run.
create table type_running (
    org     text not null,
    type    text not null,
    running int  not null default 0 check (running >= 0),
    primary key (org, type)
);

create sequence run_seq;
create sequence fencing_token_seq;

create table run (
    id               uuid        primary key,
    seq              bigint      not null unique,
    org              text        not null,
    dataflow_id      uuid        not null references dataflow (id),
    dataflow_version int         not null,
    type             text        not null,
    status           text        not null check (status in ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED')),
    -- QUEUED and no earlier queued or running run conflicts with it (rules 3 and 4); monotonic until it starts.
    ready            boolean     not null default false,
    enqueued_at      timestamptz not null default now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    lease_until      timestamptz,
    fencing_token    bigint,
    worker           text,
    error            text,
    idempotency_key  text,
    unique (org, dataflow_id, idempotency_key)
);
create index run_ready_by_type on run (org, type, seq) where status = 'QUEUED' and ready;
create index run_blocked on run (seq) where status = 'QUEUED' and not ready;
create index run_lease on run (lease_until) where status = 'RUNNING';
create index run_by_org on run (org, seq);

-- The locks a run holds or waits for: one row per resource ('d:<org>.<dataset>' or 'f:<dataflow id>'),
-- mode S (read) or X (write; the dataflow itself is always X). Deleted when the run finishes.
create table run_lock (
    run_id   uuid    not null references run (id),
    resource text    not null,
    mode     char(1) not null check (mode in ('S', 'X')),
    seq      bigint  not null,
    running  boolean not null default false,
    primary key (run_id, resource)
);
create index run_lock_queue on run_lock (resource, seq);
create index run_lock_writers on run_lock (resource, seq) where mode = 'X';
create index run_lock_held on run_lock (resource) where running;
-- Safety net enforced by the database itself: at most one running writer per resource.
create unique index run_lock_one_running_writer on run_lock (resource) where running and mode = 'X';

-- Wake-ups for the dispatcher: a new run to evaluate, or a resource whose holder left (with a cursor into its
-- queue when the head group was longer than one batch).
create table dispatch_signal (
    id        bigserial primary key,
    run_id    uuid,
    resource  text,
    after_seq bigint not null default 0
);
