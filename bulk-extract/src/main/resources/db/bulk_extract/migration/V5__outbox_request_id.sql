-- Every extract.jobs event now goes through the outbox with its state change (ExtractionStarted with the job row,
-- SnapshotCompleted with STREAMING, ExtractionCancelled with CANCELLED); the request that caused it travels with it
-- and is sent as ce_requestid.
alter table outbox add column request_id text;
