-- The shared data lake's catalog. Migrated (idempotently, under Flyway's lock, history table
-- lake.flyway_lake_history) by every service that sets suite.lake.enabled=true.
create table if not exists lake.datasets (
    org         text        not null check (org ~ '^[a-z][a-z0-9_]{0,30}$'),
    name        text        not null check (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    version     bigint      not null check (version >= 1),
    row_count   bigint      not null check (row_count >= 0),
    columns     jsonb       not null,
    relation    text        not null,
    producer    text        not null,
    updated_at  timestamptz not null default now(),
    primary key (org, name)
);

comment on table lake.datasets is 'One row per lake dataset: org, name, version (bumped on every write), row count, '
    'columns [{name,type}], relation (the schema-qualified table or view holding the rows) and the producer.';

-- A read-only role for readers of the lake (analytics-embed and others). Creating a role needs CREATEROLE;
-- where the migrating user lacks it, an administrator creates the role and this step only grants.
do $$
begin
    if not exists (select 1 from pg_roles where rolname = 'lake_reader') then
        begin
            create role lake_reader nologin;
        exception when insufficient_privilege then
            raise notice 'cannot create role lake_reader; create it as an administrator';
        end;
    end if;
    if exists (select 1 from pg_roles where rolname = 'lake_reader') then
        grant usage on schema lake to lake_reader;
        grant select on lake.datasets to lake_reader;
    end if;
end
$$;
