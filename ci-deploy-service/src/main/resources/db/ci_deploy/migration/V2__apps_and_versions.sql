-- Data-lake apps and their versions. The status of a version is its pipeline stage; stage timings are rows of
-- version_stage. Every state change of one app runs under "select ... from app where name = ? for update".
create table app (
    name        text        primary key check (name ~ '^[a-z][a-z0-9]*(-[a-z0-9]+)*$' and length(name) <= 40),
    org         text        not null,
    description text        not null default '',
    created_at  timestamptz not null default now()
);

create table app_version (
    app               text        not null references app (name),
    version           int         not null check (version >= 1),
    status            text        not null check (status in
                          ('ASSEMBLING', 'DEPLOYING', 'RUNNING', 'TESTING', 'LIVE', 'FAILED', 'RETIRED')),
    bundle_sha256     text        not null,
    content_hash      text,
    descriptor        text        not null, -- app.yaml as uploaded (validated)
    schema_name       text        not null,
    role_name         text        not null,
    runtime           text        not null,
    instance          text        not null, -- the service instance that runs its pipeline (recovery takes over others)
    tests             jsonb       not null default '[]',
    failed_stage      text,
    failure           text,
    pid               bigint,
    pid_started_at    timestamptz,
    created_at        timestamptz not null default now(),
    promoted_at       timestamptz,
    retired_at        timestamptz,
    schema_expires_at timestamptz,
    schema_dropped_at timestamptz,
    primary key (app, version)
);

-- Never two live versions of one app, never two pipelines of one app at once.
create unique index app_version_one_live on app_version (app) where status = 'LIVE';
create unique index app_version_one_in_flight on app_version (app)
    where status in ('ASSEMBLING', 'DEPLOYING', 'RUNNING', 'TESTING');

create table version_stage (
    app         text        not null,
    version     int         not null,
    stage       text        not null,
    started_at  timestamptz not null default clock_timestamp(),
    finished_at timestamptz,
    primary key (app, version, stage),
    foreign key (app, version) references app_version (app, version)
);

create table outbox (
    id         bigserial   primary key,
    event_id   uuid        not null,
    topic      text        not null,
    type       text        not null,
    key        text        not null,
    tenant     text        not null,
    subject    text,
    payload    jsonb       not null,
    created_at timestamptz not null default now()
);
