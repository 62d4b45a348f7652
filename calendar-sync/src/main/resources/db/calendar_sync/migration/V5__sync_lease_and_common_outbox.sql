-- One CalDAV sync of a system at a time across all nodes: a lease (owner token, expiry in database time) taken with a
-- conditional update, renewed while the sync runs, released at its end; an expired lease (crashed node) is taken over.
-- The scheduled pull picks systems whose last attempt is older than calendar.caldav.poll-interval.
alter table calendar_system add column sync_owner text;
alter table calendar_system add column sync_lease_until timestamptz;
alter table calendar_system add column last_sync_attempt_at timestamptz;
alter table calendar_system add column last_sync_at timestamptz;
alter table calendar_system add column last_sync_error text;

-- The calendar.events outbox in the shape common's OutboxRelay relays (table outbox of the service schema; id,
-- event_id, topic, type, key, tenant, subject, payload), so one relay implementation runs here, not a copy of it.
-- Rows not yet relayed keep their ce_id and order.
alter table event_outbox rename to outbox;
alter table outbox rename column org to tenant;
alter table outbox rename column data to payload;
alter table outbox add column topic text not null default 'calendar.events';
alter table outbox alter column topic drop default;
alter table outbox add constraint outbox_event_id_key unique (event_id);
