-- The X-Request-Id of the request that wrote an event (null for background work): the relay sends it as the
-- CloudEvents extension ce_requestid, so consumers' log lines join the request's.
alter table outbox add column request_id text;
