-- Change capture: an AFTER ROW trigger on every source table appends to change_staging (so writes made directly in
-- SQL by other apps are captured too, in the writer's own transaction). A single relay (serialized by a lock on
-- relay_state) moves the rows it can see into change_feed and numbers them: the version is assigned in the order
-- changes become visible, never in the order ids were taken (see README, "Why the version is commit-ordered").
create table change_staging (
    seq         bigserial   primary key,
    entity      text        not null,
    record_id   text        not null,
    org         text        not null,
    user_id     text        not null,
    old_user_id text,
    op          text        not null check (op in ('upsert', 'delete')),
    data        jsonb,
    captured_at timestamptz not null default clock_timestamp()
);

create table change_feed (
    version     bigint      primary key,
    entity      text        not null,
    record_id   text        not null,
    org         text        not null,
    user_id     text        not null,
    old_user_id text,
    op          text        not null,
    data        jsonb,
    captured_at timestamptz not null,
    relayed_at  timestamptz not null default now()
);
create index change_feed_org_version on change_feed (org, version);
create index change_feed_key on change_feed (org, entity, record_id, version);

-- One row: the head of the feed. LOCK TABLE on it serializes relays and lets a snapshot chunk take its
-- REPEATABLE READ snapshot after the lock, i.e. aligned exactly with the feed head it reads.
create table relay_state (
    id   int    primary key check (id = 1),
    head bigint not null
);
insert into relay_state values (1, 0);

create function capture_change() returns trigger language plpgsql as $$
begin
    if tg_op = 'DELETE' then
        insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
        values (tg_table_name, old.id, old.org, old.user_id, old.user_id, 'delete', null);
        return old;
    end if;
    if tg_op = 'UPDATE' then
        if new.org is distinct from old.org or new.id is distinct from old.id then
            raise exception 'org and id of a source record are immutable' using errcode = '23514';
        end if;
        insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
        values (tg_table_name, new.id, new.org, new.user_id, old.user_id, 'upsert', new.payload);
        return new;
    end if;
    insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
    values (tg_table_name, new.id, new.org, new.user_id, null, 'upsert', new.payload);
    return new;
end
$$;

create function refuse_truncate() returns trigger language plpgsql as $$
begin
    raise exception 'TRUNCATE of a source table would bypass the change feed; delete rows instead';
end
$$;

create table extraction_job (
    id             uuid        primary key,
    org            text        not null,
    user_ids       text[],
    entities       text[]      not null,
    chunk_size     int         not null,
    status         text        not null,
    watermark      bigint      not null,
    entity_index   int         not null default 0,
    last_key       text,
    chunk_version  bigint,
    chunk_end_key  text,
    chunks_done    int         not null default 0,
    chunks_total   int         not null default 0,
    rows_sent      bigint      not null default 0,
    position       bigint      not null,
    error          text,
    lease_owner    text,
    lease_until    timestamptz,
    created_at     timestamptz not null default now(),
    updated_at     timestamptz not null default now()
);
create index extraction_job_runnable on extraction_job (status, lease_until);
