-- Running runs per type are counted from a partial index (bounded by the global limit) instead of a counter row
-- that every finishing run had to update (a hot row serializing all finishes). The table stays as the registry
-- of (org, type) pairs the dispatcher visits.
alter table type_running rename to run_type;
alter table run_type drop column running;
create index run_running_by_type on run (org, type) where status = 'RUNNING';
