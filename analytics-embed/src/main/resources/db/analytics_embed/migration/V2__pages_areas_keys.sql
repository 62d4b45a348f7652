-- Pages: slug unique within an org; blocks and allowed origins as validated JSON.
create table page (
    id               uuid        primary key,
    org              text        not null,
    slug             text        not null,
    title            text        not null,
    blocks           jsonb       not null,
    allowed_origins  jsonb       not null,
    created_by       text        not null,
    created_at       timestamptz not null default now(),
    updated_by       text        not null,
    updated_at       timestamptz not null default now(),
    unique (org, slug)
);

-- An embed area belongs to one page; its metadata lives in versions, never updated in place.
create table embed_area (
    id               uuid        primary key,
    page_id          uuid        not null references page (id) on delete cascade,
    org              text        not null,
    current_version  int         not null,
    created_at       timestamptz not null default now()
);
create index embed_area_page on embed_area (page_id);

create table embed_area_version (
    area_id     uuid        not null references embed_area (id) on delete cascade,
    version     int         not null check (version >= 1),
    spec        jsonb       not null,
    created_by  text        not null,
    created_at  timestamptz not null default now(),
    primary key (area_id, version)
);

-- One HMAC key per org for signed embed tokens, generated on first use.
create table org_key (
    org         text        primary key,
    secret      bytea       not null check (length(secret) >= 32),
    created_at  timestamptz not null default now()
);
