-- dispatch_step, kept here as a repeatable migration: Flyway re-applies this file (after every versioned migration)
-- whenever it changes, so a change to the step is an edit of this file instead of a versioned copy of the whole
-- function. Versioned migrations up to V13 (which gave the step its present signature) define its earlier bodies.
--
-- Changes against V13's body:
-- * The run events it writes (RunStarted for the runs it starts, RunSucceeded/RunFailed for the runs it reaps) are one
--   run_event_batch row per kind naming the runs in order, not one outbox row per event (V15).
-- * The reaping scan of run_active (one probe of run per row, as before) also reads what the finish events need
--   (dataflow, version, seq, status, error, finish order) — a finished run's row no longer changes, so the second
--   lookup of every reaped run is gone — and counts the rows whose run is RUNNING per (org, type): that is the
--   capacity count (rule 1), so run_active is no longer scanned a second time for it. The count cannot be low: only a
--   step starts runs, and the previous one committed before this one got the claim; a cancel or an expiry racing it
--   only makes it high (conservative), as the count of run_active rows was before.
-- * The start updates the picked runs before their run_ready rows are deleted — the order in which a cancel locks
--   them (finish_run: the run, then its run_ready row) — so a step and a cancel of a picked run cannot deadlock.
create or replace function dispatch_step(p_worker text, p_lease_ms bigint, p_batch int, p_max_start int, p_global_limit int,
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
    v_done_df uuid[];
    v_done_ver int[];
    v_done_seq bigint[];
    v_done_status text[];
    v_done_error text[];
    v_done_order bigint[];
    v_run_org text[];
    v_run_type text[];
    v_run_n int[];
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
    --    The same scan counts the rows whose run is RUNNING per (org, type): the capacity count below.
    with act as (
        select a.org, a.type, a.run_id, r.status, r.dataflow_id, r.dataflow_version, r.seq, r.error, r.finish_order
        from run_active a
        cross join lateral (select r.status, r.dataflow_id, r.dataflow_version, r.seq, r.error, r.finish_order
                            from run r where r.id = a.run_id offset 0) r),
    -- one aggregate per array over the same rows, so the arrays line up element by element
    done as (
        select array_agg(org) as org, array_agg(type) as type, array_agg(run_id) as run_id,
               array_agg(dataflow_id) as dataflow_id, array_agg(dataflow_version) as dataflow_version,
               array_agg(seq) as seq, array_agg(status) as status, array_agg(error) as error,
               array_agg(finish_order) as finish_order
        from act where status <> 'RUNNING'),
    running as (
        select array_agg(org) as org, array_agg(type) as type, array_agg(n) as n
        from (select org, type, count(*)::int as n from act where status = 'RUNNING' group by org, type) g)
    select coalesce(d.org, '{}'), coalesce(d.type, '{}'), coalesce(d.run_id, '{}'), coalesce(d.dataflow_id, '{}'),
           coalesce(d.dataflow_version, '{}'), coalesce(d.seq, '{}'), coalesce(d.status, '{}'),
           coalesce(d.error, '{}'), coalesce(d.finish_order, '{}'), coalesce(c.org, '{}'), coalesce(c.type, '{}'),
           coalesce(c.n, '{}')
    from done d, running c
    into v_done_org, v_done_type, v_done, v_done_df, v_done_ver, v_done_seq, v_done_status, v_done_error,
         v_done_order, v_run_org, v_run_type, v_run_n;
    if cardinality(v_done) > 0 then
        with gone as (
            delete from run_active a using unnest(v_done_org, v_done_type, v_done) as d(org, type, id)
            where a.org = d.org and a.type = d.type and a.run_id = d.id
            returning a.run_id),
        fin as (
            -- a finished run's row no longer changes: what the scan read is final
            select d.id, d.org, d.dataflow_id, d.dataflow_version, d.type, d.seq, d.status, d.error, d.finish_order
            from unnest(v_done, v_done_org, v_done_df, v_done_ver, v_done_type, v_done_seq, v_done_status,
                        v_done_error, v_done_order)
                 as d(id, org, dataflow_id, dataflow_version, type, seq, status, error, finish_order)
            where d.id = any(array(select g.run_id from gone g))),
        released as (
            delete from run_lock l where l.run_id = any(array(select p.id from fin p))
            returning l.resource, l.mode, l.seq),
        events as (
            -- the finish events: one row naming the reaped runs in finish order (V15; the relay reads each run's
            -- final status and error when it sends the event)
            insert into run_event_batch (kind, run_ids)
            select 'finished', array_agg(p.id order by p.finish_order) from fin p having count(*) > 0)
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

    -- capacity (rule 1): free slots per type (limit - running, counted by the reaping scan) and overall
    select coalesce(array_agg(rt.org), '{}'), coalesce(array_agg(rt.type), '{}'),
           coalesce(array_agg(coalesce(tl.max_running, p_default_type_limit) - coalesce(c.n, 0)), '{}'),
           coalesce(sum(c.n), 0)
    into v_t_org, v_t_type, v_t_free, v_running
    from run_type rt
    left join type_limit tl on tl.org = rt.org and tl.type = rt.type
    left join unnest(v_run_org, v_run_type, v_run_n) as c(org, type, n) on c.org = rt.org and c.type = rt.type;
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
    if cardinality(v_start) >= v_free then
        more := true;
    end if;
    -- Start first, then run_ready: the order a cancel takes its rows in (run, then run_ready), so the two never
    -- deadlock (a step that had deleted a picked run_ready row and then waited for the run's row, which a cancel held
    -- while it waited to delete that run_ready row, did).
    if cardinality(v_start) > 0 then
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
            -- the RunStarted events: one row naming the started runs in start order (V15)
            insert into run_event_batch (kind, run_ids)
            select 'started', array_agg(s.id order by s.start_order) from started s having count(*) > 0)
        select array_agg(s.id order by s.start_order), array_agg(s.org order by s.start_order),
               array_agg(s.dataflow_id order by s.start_order), array_agg(s.dataflow_version order by s.start_order),
               array_agg(s.type order by s.start_order), array_agg(s.fencing_token order by s.start_order),
               array_agg(s.wait order by s.start_order)
        into ids, orgs, dataflow_ids, versions, types, tokens, waits
        from started s;
    end if;
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
end;
$$;
