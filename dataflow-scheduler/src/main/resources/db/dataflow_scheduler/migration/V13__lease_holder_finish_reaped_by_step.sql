-- A lease holder's finish is one fenced, HOT status update and nothing else; the dispatch step reaps it.
--
-- Measured before (10k-run backlog, pg_stat_statements): the lease holder's finish_run call was the largest cost per
-- run — one plpgsql call whose statement updated the run, deleted its run_active row and three lock rows, inserted a
-- wake-up and an outbox event: 33 buffers, 9 WAL records, ~0.65 ms in the executor per run, against 6 buffers and
-- ~0.1 ms for db-scheduler's whole completion (one delete). Now:
-- 1. The lease holder's finish (RunFinisher, plain SQL) is `update run set status … where id = ? and status =
--    'RUNNING' and fencing_token = ? and lease_until > now` — fenced exactly as before, in the caller's transaction
--    (a run's register commits with it), and a HOT update (no index of run holds a column it changes).
-- 2. The next dispatch step, under the claimer lock, first reaps every run_active row whose run is no longer RUNNING:
--    the lock rows are deleted and the finish event goes to the outbox, in finish order — set-based for all runs
--    finished since the previous step. The released lock rows are the step's first wake-ups directly (what a
--    dispatch_signal row per run carried: resource, released mode, after_seq = the run's seq); only if the step has
--    no capacity to evaluate them are they written as such rows, for a later step. A finished run's locks
--    are therefore held until the next step; since only a step starts runs and it reaps first, no run waits longer
--    for them, and nothing can start in between (the conflict rules still see the lock rows). A finish wakes its
--    own instance's loop at once; other instances find the work at their next poll.
-- 3. Cancel and lease expiry (no token) keep finish_run's synchronous path: conditional update, run_active/run_ready
--    delete, lock release, wake-up and event in their own transaction. A run is released exactly once whichever
--    path finishes it: the run_active delete is the claim on the release (one of two concurrent deletes of a row
--    gets it), and the reaper only takes rows whose run it sees in a terminal status.

create or replace function finish_run(p_id uuid, p_token bigint, p_status text, p_error text, p_topic text,
                                      p_event_type text)
returns boolean
language plpgsql
set enable_seqscan = off
as $$
declare
    r record;
begin
    if p_token is not null then
        -- the lease holder: only the fenced status change; the next dispatch step reaps the run
        update run set status = p_status, finished_at = clock_timestamp(), error = p_error, lease_until = null,
                       finish_order = nextval('run_history_seq')
        where id = p_id and status = 'RUNNING' and fencing_token = p_token and lease_until > clock_timestamp();
        return found;
    end if;
    -- Cancel or lease expiry: conditional; a racing finisher waits for the row lock and re-checks. The statements
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

-- Wake-ups for released lock rows (resource, released mode, the released run's seq): one dispatch_signal row per run,
-- the shape finish_run writes.
create function save_wakeups(p_resources text[], p_modes text[], p_seqs bigint[]) returns void
language sql
as $$
    insert into dispatch_signal (resources, modes, after_seq)
    select array_agg(u.resource), array_agg(u.mode), u.seq
    from unnest(p_resources, p_modes, p_seqs) as u(resource, mode, seq)
    group by u.seq
$$;

-- the step gains an out parameter (reaped): drop and create, not replace
drop function dispatch_step(text, bigint, int, int, int, int, int);
create function dispatch_step(p_worker text, p_lease_ms bigint, p_batch int, p_max_start int, p_global_limit int,
                              p_default_type_limit int, p_head_limit int,
                              out claimed boolean, out signals int, out more boolean, out ids uuid[], out orgs text[],
                              out dataflow_ids uuid[], out versions int[], out types text[], out tokens bigint[],
                              out waits double precision[], out reaped int)
language plpgsql
set enable_seqscan = off
set plan_cache_mode = force_generic_plan
as $$
declare
    v_cursor bigint;
    v_next bigint;
    v_candidates uuid[];
    v_running int;
    v_free int;
    v_quota int;
    v_consumed int;
    v_need int;
    v_waiting int;
    v_seen int := 0;
    v_got int := 0;
    v_from_signals boolean := true;
    v_t_org text[];
    v_t_type text[];
    v_t_free int[];
    v_start uuid[];
    v_start_org text[];
    v_start_type text[];
    v_start_seq bigint[];
    v_ready uuid[] := '{}';
    v_ready_orgs text[] := '{}';
    v_ready_types text[] := '{}';
    v_ready_seqs bigint[] := '{}';
    v_r uuid[];
    v_done uuid[];
    v_done_org text[];
    v_done_type text[];
    v_rel_res text[] := '{}';
    v_rel_mode text[] := '{}';
    v_rel_seq bigint[] := '{}';
    v_direct int := 0;
    v_o text[];
    v_t text[];
    v_s bigint[];
begin
    signals := 0;
    more := false;
    reaped := 0;
    -- CLAIM (1): one claimer at a time, others skip; QUEUE (2): wait for in-flight enqueues (class 'dflw')
    claimed := pg_try_advisory_xact_lock(1684434039, 1);
    if not claimed then
        return;
    end if;
    perform pg_advisory_xact_lock(1684434039, 2);

    -- 0. Reap what lease holders finished since the last step (their finish was only the fenced status change):
    --    each such run leaves run_active here, exactly once (a cancel or an expiry that finished it itself deleted
    --    the row in its own transaction, and a run_active row whose run this statement's snapshot still shows as
    --    RUNNING is not touched), its lock rows are deleted and its finish event is appended in finish order. The
    --    released lock rows are this step's first wake-ups (the same (resource, mode, after_seq = the run's seq) a
    --    dispatch_signal row would carry, without writing one); if the step cannot consume them (no capacity), they
    --    are stored as dispatch_signal rows for a later step (save_wakeups). Before the capacity count and the
    --    wake-ups below, so this step already counts and re-evaluates what they free.
    --    Driven by run_active (one probe of run per row; it holds at most the running runs and those finished
    --    since), never by a scan of run.
    select coalesce(array_agg(a.org), '{}'), coalesce(array_agg(a.type), '{}'), coalesce(array_agg(a.run_id), '{}')
    into v_done_org, v_done_type, v_done
    from run_active a
    cross join lateral (select r.status from run r where r.id = a.run_id offset 0) r
    where r.status <> 'RUNNING';
    if cardinality(v_done) > 0 then
        with gone as (
            delete from run_active a using unnest(v_done_org, v_done_type, v_done) as d(org, type, id)
            where a.org = d.org and a.type = d.type and a.run_id = d.id
            returning a.run_id),
        fin as (
            select r.id, r.org, r.dataflow_id, r.dataflow_version, r.type, r.seq, r.status, r.error, r.finish_order
            from run r where r.id = any(array(select g.run_id from gone g))),
        released as (
            delete from run_lock l where l.run_id = any(array(select p.id from fin p))
            returning l.resource, l.mode, l.seq),
        events as (
            insert into outbox (event_id, topic, type, key, tenant, subject, payload)
            select gen_random_uuid(), 'dataflow.runs',
                   case p.status when 'SUCCEEDED' then 'RunSucceeded' when 'FAILED' then 'RunFailed'
                                 else 'RunCancelled' end,
                   p.id::text, p.org, p.dataflow_id::text,
                   jsonb_build_object('runId', p.id, 'dataflowId', p.dataflow_id,
                                      'dataflowVersion', p.dataflow_version, 'type', p.type, 'status', p.status,
                                      'error', p.error)
            from fin p order by p.finish_order)
        select (select count(*) from fin)::int,
               coalesce((select array_agg(x.resource) from released x), '{}'),
               coalesce((select array_agg(x.mode::text) from released x), '{}'),
               coalesce((select array_agg(x.seq) from released x), '{}')
        into reaped, v_rel_res, v_rel_mode, v_rel_seq;
    end if;
    if p_max_start <= 0 then
        if cardinality(v_rel_res) > 0 then
            perform save_wakeups(v_rel_res, v_rel_mode, v_rel_seq);
        end if;
        return;
    end if;

    -- capacity (rule 1): free slots per type (limit - running, one probe of run_active per type) and overall
    select coalesce(array_agg(rt.org), '{}'), coalesce(array_agg(rt.type), '{}'),
           coalesce(array_agg(coalesce(tl.max_running, p_default_type_limit) - c.n), '{}'), coalesce(sum(c.n), 0)
    into v_t_org, v_t_type, v_t_free, v_running
    from run_type rt
    left join type_limit tl on tl.org = rt.org and tl.type = rt.type
    cross join lateral (select count(*)::int as n from run_active a where a.org = rt.org and a.type = rt.type) c;
    v_free := least(p_batch, p_max_start, p_global_limit - v_running);
    if v_free <= 0 then
        if cardinality(v_rel_res) > 0 then
            perform save_wakeups(v_rel_res, v_rel_mode, v_rel_seq);
        end if;
        return;
    end if;
    -- runs found ready earlier that can start now (their type has room) need no new evaluation
    select coalesce(sum(w.n), 0) into v_waiting
    from unnest(v_t_org, v_t_type, v_t_free) as t(org, type, free)
    cross join lateral (select count(*)::int as n from (select 1 from run_ready rr
                        where rr.org = t.org and rr.type = t.type limit greatest(t.free, 0)) x) w;

    select last_seq into v_cursor from dispatch_cursor;
    v_next := v_cursor;
    -- Wake-ups are consumed only while the step has capacity: first resources released by finishes, then new runs
    -- after the cursor, each source in chunks of as many as it may still start, scaled by the share of that
    -- source's candidates found ready so far in this step.
    loop
        v_need := v_free - v_waiting - cardinality(v_ready);
        if v_need <= 0 or signals >= p_batch then
            more := true;
            exit;
        end if;
        if v_from_signals then
            v_quota := least(p_batch - signals, case
                when v_seen = 0 then v_need
                when v_got = 0 then p_batch
                else greatest(ceil(v_need::numeric * v_seen / v_got)::int, 8) end);
            -- 1a. resources released by finishes (and continuations): only entries queued after the released one
            --     can have become free — an X head, or the leading S entries up to the next X (at most
            --     p_head_limit, continued by a signal); after a released S entry only an X head. Lock rows of
            --     running runs are part of the queue (its earliest conflicting entries); such candidates are
            --     dropped in step 2.
            with consumed as (
                delete from dispatch_signal
                where id = any(array(select s.id from dispatch_signal s order by s.id limit v_quota))
                returning resource, after_seq, released, resources, modes),
            wakes as (
                select c.resource, c.after_seq, c.released::text as released
                from consumed c where c.resource is not null
                union all
                select u.resource, c.after_seq, u.mode
                from consumed c cross join lateral unnest(c.resources, c.modes) as u(resource, mode)
                where c.resources is not null
                union all
                select u.resource, u.seq, u.mode from unnest(v_rel_res, v_rel_mode, v_rel_seq) as u(resource, mode, seq)),
            res as (
                select w.resource, min(w.after_seq) as after_seq, bool_and(coalesce(w.released = 'S', false)) as x_only
                from wakes w group by w.resource),
            heads as (
                select r.resource, h.run_id, h.mode, h.seq,
                       row_number() over (partition by r.resource order by h.seq) as pos,
                       lag(h.seq) over (partition by r.resource order by h.seq) as prev_seq
                from res r
                cross join lateral (
                    -- one range scan: the first entries after the released one, cut after the first X; after a
                    -- released S entry only the first X (through the writers index: a shared resource's readers
                    -- are not walked; step 2 drops it if an entry between still blocks it)
                    select q.run_id, q.mode, q.seq,
                           count(*) filter (where q.mode = 'X')
                             over (order by q.seq rows between unbounded preceding and 1 preceding) as x_before
                    from (select q.run_id, q.mode, q.seq from run_lock q
                          where not r.x_only and q.resource = r.resource and q.seq > r.after_seq
                          order by q.seq limit p_head_limit + 1) q
                    union all
                    (select q.run_id, q.mode, q.seq, 0 from run_lock q
                     where r.x_only and q.resource = r.resource and q.mode = 'X' and q.seq > r.after_seq
                     order by q.seq limit 1)) h
                where h.x_before = 0),
            continued as (
                -- a shared group longer than p_head_limit: continue after the last entry looked at, later
                insert into dispatch_signal (resource, after_seq)
                select h.resource, h.prev_seq from heads h where h.pos = p_head_limit + 1 and h.mode = 'S')
            select (select count(*) from consumed),
                   array(select h.run_id from heads h where h.pos = 1 or (h.mode = 'S' and h.pos <= p_head_limit))
            into v_consumed, v_candidates;
            -- the reaped runs' released lock rows are consumed with the first chunk; they count as that many
            -- wake-ups seen (one per reaped run, like the dispatch_signal row each stood for) for the quota scaling
            if cardinality(v_rel_res) > 0 then
                v_direct := reaped;
            end if;
            v_rel_res := '{}';
            v_rel_mode := '{}';
            v_rel_seq := '{}';
        else
            v_quota := least(p_batch - signals, case
                when v_seen = 0 then v_need
                when v_got = 0 then p_batch
                else greatest(ceil(v_need::numeric * v_seen / v_got)::int, 8) end);
            -- 1b. new runs, in seq order after the cursor
            select coalesce(array_agg(n.id), '{}'), coalesce(max(n.seq), v_next), count(*)
            into v_candidates, v_next, v_consumed
            from (select r.id, r.seq from run r where r.seq > v_next order by r.seq limit v_quota) n;
        end if;
        signals := signals + v_consumed + v_direct;
        v_seen := v_seen + v_consumed + v_direct;
        v_direct := 0;

        -- 2. ready: no lock row with a lower seq conflicts with any of the run's own (rules 2-4); monotonic until
        --    the run starts. Kept in run_ready below only for the runs that do not start in this step.
        if cardinality(v_candidates) > 0 then
            select coalesce(array_agg(run.id), '{}'), coalesce(array_agg(run.org), '{}'),
                   coalesce(array_agg(run.type), '{}'), coalesce(array_agg(run.seq), '{}')
            into v_r, v_o, v_t, v_s
            from run
            where run.id = any(v_candidates) and run.status = 'QUEUED'
              and not (run.id = any(v_ready))
              -- new runs (after the cursor) cannot be in run_ready yet
              and (not v_from_signals
                   or not exists (select 1 from run_ready rr
                                  where rr.org = run.org and rr.type = run.type and rr.seq = run.seq))
              -- one probe per lock row: any earlier entry for an X row, an earlier X entry for an S row
              and not exists (
                select 1 from run_lock mine
                where mine.run_id = run.id and case when mine.mode = 'X'
                  then exists (select 1 from run_lock o where o.resource = mine.resource and o.seq < mine.seq)
                  else exists (select 1 from run_lock o where o.resource = mine.resource and o.seq < mine.seq
                                                          and o.mode = 'X') end);
            v_ready := v_ready || v_r;
            v_ready_orgs := v_ready_orgs || v_o;
            v_ready_types := v_ready_types || v_t;
            v_ready_seqs := v_ready_seqs || v_s;
            v_got := v_got + cardinality(v_r);
        end if;
        if v_consumed < v_quota then
            -- this source is exhausted: signals → new runs → done
            if not v_from_signals then
                exit;
            end if;
            v_from_signals := false;
            v_seen := 0;
            v_got := 0;
        end if;
    end loop;
    -- released lock rows of reaped runs the loop did not get to (it had no capacity left)
    if cardinality(v_rel_res) > 0 then
        perform save_wakeups(v_rel_res, v_rel_mode, v_rel_seq);
    end if;
    if v_next > v_cursor then
        update dispatch_cursor set last_seq = v_next where one;
    end if;

    -- 3. start the earliest ready runs of every type below its limit, up to the free capacity (rule 1)
    with picked as (
        select r.id, r.org, r.type, r.seq
        from unnest(v_t_org, v_t_type, v_t_free) as t(org, type, free)
        cross join lateral (
          select u.id, u.org, u.type, u.seq from (
            (select rr.run_id as id, rr.org, rr.type, rr.seq from run_ready rr
             where rr.org = t.org and rr.type = t.type
             order by rr.seq limit least(t.free, v_free))
            union all
            (select f.id, f.org, f.type, f.seq
             from unnest(v_ready, v_ready_orgs, v_ready_types, v_ready_seqs) as f(id, org, type, seq)
             where f.org = t.org and f.type = t.type)) u
          order by u.seq limit least(t.free, v_free)) r
        where t.free > 0
        order by r.seq limit v_free)
    select coalesce(array_agg(p.id), '{}'), coalesce(array_agg(p.org), '{}'), coalesce(array_agg(p.type), '{}'),
           coalesce(array_agg(p.seq), '{}')
    into v_start, v_start_org, v_start_type, v_start_seq
    from picked p;
    -- picked entries leave run_ready whether or not they start (a run cancelled meanwhile does not)
    if cardinality(v_start) > 0 then
        delete from run_ready rr using unnest(v_start_org, v_start_type, v_start_seq) as s(org, type, seq)
        where rr.org = s.org and rr.type = s.type and rr.seq = s.seq;
    end if;
    if cardinality(v_ready) > 0 then
        insert into run_ready (org, type, seq, run_id)
        select f.org, f.type, f.seq, f.id
        from unnest(v_ready, v_ready_orgs, v_ready_types, v_ready_seqs) as f(id, org, type, seq)
        where not (f.id = any(v_start))
        on conflict do nothing;
    end if;
    if cardinality(v_start) = 0 then
        return;
    end if;
    if cardinality(v_start) >= v_free then
        more := true;
    end if;
    with started as (
        update run set status = 'RUNNING', started_at = clock_timestamp(), worker = p_worker,
                       lease_until = clock_timestamp() + p_lease_ms * interval '1 millisecond',
                       fencing_token = nextval('fencing_token_seq'), start_order = nextval('run_history_seq')
        where run.id = any(v_start) and run.status = 'QUEUED'
        returning run.id, run.org, run.dataflow_id, run.dataflow_version, run.type, run.fencing_token,
                  extract(epoch from run.started_at - run.enqueued_at)::double precision as wait, run.start_order),
    active as (
        insert into run_active (org, type, run_id) select s.org, s.type, s.id from started s),
    events as (
        insert into outbox (event_id, topic, type, key, tenant, subject, payload)
        select gen_random_uuid(), 'dataflow.runs', 'RunStarted', s.id::text, s.org, s.dataflow_id::text,
               jsonb_build_object('runId', s.id, 'dataflowId', s.dataflow_id, 'dataflowVersion', s.dataflow_version,
                                  'type', s.type, 'status', 'RUNNING', 'error', null)
        from started s order by s.start_order)
    select array_agg(s.id order by s.start_order), array_agg(s.org order by s.start_order),
           array_agg(s.dataflow_id order by s.start_order), array_agg(s.dataflow_version order by s.start_order),
           array_agg(s.type order by s.start_order), array_agg(s.fencing_token order by s.start_order),
           array_agg(s.wait order by s.start_order)
    into ids, orgs, dataflow_ids, versions, types, tokens, waits
    from started s;
end;
$$;
