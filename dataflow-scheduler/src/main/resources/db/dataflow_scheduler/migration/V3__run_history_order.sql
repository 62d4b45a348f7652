-- A total order of starts and finishes (one sequence, taken inside the start/finish transactions), so the
-- history of who ran when can be audited without trusting wall clocks.
create sequence run_history_seq;
alter table run add column start_order bigint;
alter table run add column finish_order bigint;
