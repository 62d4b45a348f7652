-- finish_run, kept as a repeatable migration (see R__dispatch_step.sql). Change against V13's body: a cancel or an
-- expiry (no token) share-locks the run's dataflow row before it finishes the run, so it serializes with an enqueue of
-- that dataflow (which holds the row FOR NO KEY UPDATE from its start to its commit, V14): an enqueue that gave this
-- run its late `f:` row has committed before the release below deletes the run's lock rows (a later statement, so a
-- fresh snapshot, which sees that row), and an enqueue after it sees the run finished. For a queued run it is taken
-- before the run's row, so a cancel never holds a queued run's row while it waits (a dispatch step starting that run
-- would wait for it, and the enqueue holding the dataflow row for the queue lock the step holds); for a running run
-- after it (no step locks a running run's row), so a cancel waiting for the worker's register (which holds the run's
-- row) does not hold up the dataflow's enqueues. An expiry holds its run's row already (FOR NO KEY UPDATE,
-- LeaseKeeper), one run per transaction, so it never holds two dataflow rows. The lease holder's finish takes no such
-- lock: its release is the reaping step's, under the queue lock, which no enqueue holds while it adds a late row.

create or replace function finish_run(p_id uuid, p_token bigint, p_status text, p_error text, p_topic text,
                                      p_event_type text)
returns boolean
language plpgsql
set enable_seqscan = off
as $$
declare
    r record;
    v_status text;
    v_df uuid;
begin
    if p_token is not null then
        -- the lease holder: only the fenced status change; the next dispatch step reaps the run
        update run set status = p_status, finished_at = clock_timestamp(), error = p_error, lease_until = null,
                       finish_order = nextval('run_history_seq')
        where id = p_id and status = 'RUNNING' and fencing_token = p_token and lease_until > clock_timestamp();
        return found;
    end if;
    -- Cancel or lease expiry: the run's dataflow row, shared (see the header) — after the run's row for a running run
    -- (a cancel of it may wait for its worker's register, which holds that row: it must not hold the dataflow row
    -- meanwhile, or the dataflow's enqueues would wait for the register too; no step locks a running run's row), before
    -- it for a queued one (a step starting the run waits for its row, and the step holds the queue lock an enqueue
    -- holding the dataflow row waits for).
    select run.status, run.dataflow_id into v_status, v_df from run where run.id = p_id;
    if not found then
        return false;
    end if;
    if v_status = 'RUNNING' then
        perform 1 from run where run.id = p_id for no key update;
    end if;
    perform 1 from dataflow f where f.id = v_df for share of f;
    -- Conditional; a racing finisher waits for the row lock and re-checks. The statements
    -- after the update each see a fresh snapshot: a start that committed while the update waited is visible.
    update run set status = p_status, finished_at = clock_timestamp(), error = p_error, lease_until = null,
                   finish_order = nextval('run_history_seq')
    where id = p_id and status in ('QUEUED', 'RUNNING')
    returning id, org, dataflow_id, dataflow_version, type, seq, started_at into r;
    if not found then
        return false;
    end if;
    if r.started_at is null then
        delete from run_ready where org = r.org and type = r.type and seq = r.seq;
    else
        -- none when a dispatch step reaped it in between: impossible, the run was RUNNING until this update
        delete from run_active where org = r.org and type = r.type and run_id = r.id;
    end if;
    with released as (delete from run_lock where run_id = r.id returning resource, mode)
    insert into dispatch_signal (resources, modes, after_seq)
    select array_agg(resource), array_agg(mode::text), r.seq from released having count(*) > 0;
    insert into outbox (event_id, topic, type, key, tenant, subject, payload)
    values (gen_random_uuid(), p_topic, p_event_type, r.id::text, r.org, r.dataflow_id::text,
            jsonb_build_object('runId', r.id, 'dataflowId', r.dataflow_id, 'dataflowVersion', r.dataflow_version,
                               'type', r.type, 'status', p_status, 'error', p_error));
    return true;
end;
$$;
