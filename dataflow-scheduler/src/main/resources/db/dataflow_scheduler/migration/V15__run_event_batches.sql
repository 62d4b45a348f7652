-- Run events of the dispatch step as one row per step and kind instead of one outbox row per event.
--
-- A step starts and reaps tens of runs; one outbox row per RunStarted / RunSucceeded / RunFailed event (a jsonb
-- payload, a primary-key entry and its WAL, later deleted by the relay) was a third of the PostgreSQL CPU per run. The
-- step now appends one run_event_batch row per kind it has events of: the ids of the runs it started (in start order)
-- or reaped (in finish order). The relay builds each event from the run's row when it sends it: a started run's
-- event carries only fields that never change (run, dataflow, version, type) and the status RUNNING; a reaped run is
-- finished, and a finished run's row no longer changes, so its status and error are final.
--
-- The id comes from the outbox's own sequence, so the relay can send outbox rows and batch rows in one id order: a
-- run's events are written by transactions that each follow the previous one's commit (enqueue → step that starts it
-- → step that reaps it, or a cancel/expiry writing an outbox row), so their ids increase along the run's history.
-- Every other event (RunQueued, cancels and expiries, dataset changes) stays an outbox row.
create table run_event_batch (
    id      bigint primary key default nextval('outbox_id_seq'),
    kind    text   not null check (kind in ('started', 'finished')),
    run_ids uuid[] not null check (cardinality(run_ids) > 0)
);
