-- Starting and finishing a run no longer rewrite the index entries of `run`, and new runs need no wake-up row.
--
-- 1. HOT run rows. `status` was in the predicates of the partial indexes run_ready_by_type, run_blocked and
--    run_running, so every status change (ready, start, finish) was a non-HOT update: a new row version on another
--    page plus an entry in every index of `run`. The states the dispatcher searches by live in narrow side tables
--    instead, and no index of `run` contains a column that a start, a heartbeat or a finish changes:
--    * run_ready: QUEUED runs found ready that did not start in the step that found them (was run.ready);
--    * run_active: RUNNING runs, per (org, type) for the limits (was the partial index run_running).
--    The run row keeps status, lease and token (fencing checks read it, locked). fillfactor leaves room on each page
--    for the start and finish versions.
-- 2. New runs are found by a cursor over `seq` (dispatch_cursor) instead of one dispatch_signal row per enqueue.
--    The claimer holds QUEUE exclusively and enqueues hold it shared around nextval('run_seq') until they commit,
--    so when a step runs every run with a seq below a visible one is committed: reading `seq > cursor` in seq
--    order misses none.
-- 3. A finish's wake-up carries the finished run's seq as after_seq: releasing a lock can only unblock entries
--    queued after it, so the head lookup starts there instead of walking the resource's whole (mostly dead) prefix,
--    and it is one range scan (the first entries, cut after the first X) instead of two probes.
-- 4. Finishing is one function call (finish_run). The lease holder's finish is one statement; a cancel's or an
--    expiry's statements after the conditional update each see a fresh snapshot, so a start that committed while
--    the update waited for the run row is visible to the run_active delete.
-- Both functions run with enable_seqscan off: every statement is an index probe bounded by the batch, the limits
-- or one run's lock set, and the side tables churn (insert/delete per run) faster than their statistics follow,
-- so a planner misled into a sequential scan would read every dead row version since the last vacuum.

drop index run_ready_by_type;
drop index run_blocked;
drop index run_running;
alter table run set (fillfactor = 60);

create table run_ready (
    org    text   not null,
    type   text   not null,
    seq    bigint not null,
    run_id uuid   not null,
    primary key (org, type, seq)
);
insert into run_ready (org, type, seq, run_id) select org, type, seq, id from run where status = 'QUEUED' and ready;
alter table run drop column ready;

-- one index: per-type counts probe its prefix, a finish deletes by the full key (org and type come from the run row)
create table run_active (
    org    text not null,
    type   text not null,
    run_id uuid not null,
    primary key (org, type, run_id)
);
insert into run_active (org, type, run_id) select org, type, id from run where status = 'RUNNING';

create index run_by_seq on run (seq);
create table dispatch_cursor (
    one      boolean primary key default true check (one),
    last_seq bigint  not null
);
-- runs still named by wake-up rows of the old shape have not been evaluated yet: start the cursor before them
insert into dispatch_cursor (last_seq)
select coalesce((select min(r.seq) - 1 from dispatch_signal s join run r on r.id = s.run_id),
                (select max(seq) from run), 0);
delete from dispatch_signal where run_id is not null;

-- queue tables: vacuum after a few thousand dead rows instead of 20 % of the table
alter table run_lock set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 5000);
alter table run_active set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
alter table run_ready set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);
alter table dispatch_signal set (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 2000);

create function finish_run(p_id uuid, p_token bigint, p_status text, p_error text, p_topic text, p_event_type text)
returns boolean
language plpgsql
set enable_seqscan = off
as $$
declare
    r record;
    v_n int;
begin
    if p_token is not null then
        -- The lease holder, fenced by its token and an unexpired lease. Its start committed before it received the
        -- run, so one statement (one snapshot) sees its run_active row: the whole finish is one statement.
        with upd as (
            update run set status = p_status, finished_at = clock_timestamp(), error = p_error, lease_until = null,
                           finish_order = nextval('run_history_seq')
            where id = p_id and status = 'RUNNING' and fencing_token = p_token and lease_until > clock_timestamp()
            returning id, org, dataflow_id, dataflow_version, type, seq),
        active as (
            delete from run_active a using upd where a.org = upd.org and a.type = upd.type and a.run_id = upd.id),
        released as (delete from run_lock l using upd where l.run_id = upd.id returning l.resource, l.mode),
        signals as (
            insert into dispatch_signal (resources, modes, after_seq)
            select array_agg(x.resource), array_agg(x.mode::text), (select upd.seq from upd)
            from released x having count(*) > 0),
        event as (
            insert into outbox (event_id, topic, type, key, tenant, subject, payload)
            select gen_random_uuid(), p_topic, p_event_type, upd.id::text, upd.org, upd.dataflow_id::text,
                   jsonb_build_object('runId', upd.id, 'dataflowId', upd.dataflow_id,
                                      'dataflowVersion', upd.dataflow_version, 'type', upd.type,
                                      'status', p_status, 'error', p_error)
            from upd)
        select count(*) into v_n from upd;
        return v_n = 1;
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
        delete from run_active where org = r.org and type = r.type and run_id = r.id;
    end if;
    -- release the locks; one wake-up names them, from this run's place in their queues
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

create or replace function dispatch_step(p_worker text, p_lease_ms bigint, p_batch int, p_max_start int, p_global_limit int,
                              p_default_type_limit int, p_head_limit int,
                              out claimed boolean, out signals int, out more boolean, out ids uuid[], out orgs text[],
                              out dataflow_ids uuid[], out versions int[], out types text[], out tokens bigint[],
                              out waits double precision[])
language plpgsql
set enable_seqscan = off
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
    v_o text[];
    v_t text[];
    v_s bigint[];
begin
    signals := 0;
    more := false;
    -- CLAIM (1): one claimer at a time, others skip; QUEUE (2): wait for in-flight enqueues (class 'dflw')
    claimed := pg_try_advisory_xact_lock(1684434039, 1);
    if not claimed then
        return;
    end if;
    perform pg_advisory_xact_lock(1684434039, 2);
    if p_max_start <= 0 then
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
                where c.resources is not null),
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
        signals := signals + v_consumed;
        v_seen := v_seen + v_consumed;

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
