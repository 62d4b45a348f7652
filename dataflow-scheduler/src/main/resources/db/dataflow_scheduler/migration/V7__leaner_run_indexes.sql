-- Every status change of a run (ready, start, finish) writes a new row version with an entry in each index whose
-- predicate holds, so the run table keeps only the indexes the hot path needs:
-- * idempotency keys are optional: a partial unique index holds only the runs that have one;
-- * seq comes from a sequence, so it needs no unique index of its own (run_by_org and run_ready_by_type order by it).
alter table run drop constraint run_org_dataflow_id_idempotency_key_key;
create unique index run_idempotency on run (org, dataflow_id, idempotency_key) where idempotency_key is not null;
alter table run drop constraint run_seq_key;
