-- The calendar.events outbox payload as text. Every ingested event writes its JSON here and into unified_event.data;
-- as jsonb PostgreSQL parsed each outbox copy on insert only for the relay to print it back (payload::text) and parse
-- it once more to publish it. The payload is always written by the service's JSON encoder and read only by the relay,
-- which parses it anyway, so text loses nothing (key order is now as written instead of jsonb's).
alter table outbox alter column payload type text using payload::text;
