-- Transactional outbox for extract.jobs events that must not be lost with a state change (ExtractionFailed is
-- written in the transaction that sets FAILED); common's OutboxRelay publishes and deletes the rows.
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
