-- Starting a run no longer writes its lock rows, and a dispatch step only evaluates as many wake-ups as it has
-- capacity to start.
--
-- 1. Held = the lock rows of a RUNNING run. The flag run_lock.running (and its two partial indexes) is dropped:
--    updating three five-index rows per start was the largest write of a dispatch step. The dispatch rule does not
--    need it: a running run R that conflicts with a queued run Q always has R.seq < Q.seq. (Q is queued, so when
--    R was found ready Q's lock rows were visible — the claimer holds QUEUE exclusively, so every run with a lower
--    seq than a visible one is committed — and Q, earlier and conflicting, would have blocked R.) So "no running and
--    no earlier queued run conflicts" is exactly "no lock row with a lower seq conflicts on any resource": two index
--    probes per resource, whatever the holders' state.
-- 2. Wake-ups are consumed through the primary key (`id = any(array(... limit n))`): `id in (select ... limit n)`
--    was planned as a hash semi-join over a sequential scan of the whole signal table — O(queue) per step.
-- 3. A step consumes wake-ups in chunks until it has found as many ready runs as it may start (free workers, global
--    limit) or has consumed p_batch; none when it may start nothing. Runs that start in the step they are found ready
--    in are never written as ready (one row version less per run).
drop index run_lock_held;
drop index run_lock_one_running_writer;
alter table run_lock drop column running;

drop function dispatch_step(text, bigint, int, int, int, int, int);

create function dispatch_step(p_worker text, p_lease_ms bigint, p_batch int, p_max_start int, p_global_limit int,
                              p_default_type_limit int, p_head_limit int,
                              out claimed boolean, out signals int, out more boolean, out ids uuid[], out orgs text[],
                              out dataflow_ids uuid[], out versions int[], out types text[], out tokens bigint[],
                              out waits double precision[])
language plpgsql as $$
declare
    v_candidates uuid[];
    v_running int;
    v_free int;
    v_quota int;
    v_consumed int;
    v_start uuid[];
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

    -- capacity: at most p_max_start (free workers) and what the global limit leaves (rule 1, global part)
    if p_max_start <= 0 then
        return;
    end if;
    select count(*) into v_running from run where status = 'RUNNING';
    v_free := least(p_batch, p_max_start, p_global_limit - v_running);
    if v_free <= 0 then
        return;
    end if;

    loop
        v_quota := least(p_batch - signals, greatest(v_free - cardinality(v_ready), 8));
        if v_quota <= 0 then
            more := true;
            exit;
        end if;
        -- 1. wake-ups: new runs are candidates themselves; a released resource offers its queue's head group — an
        --    X head, or the leading S entries up to the first X (at most p_head_limit, continued by a signal);
        --    after a released S entry only an X head can have become free. Lock rows of running runs are part of
        --    the queue (they are its earliest conflicting entries); such candidates are dropped in step 2.
        with consumed as (
            delete from dispatch_signal
            where id = any(array(select s.id from dispatch_signal s order by s.id limit v_quota))
            returning run_id, resource, after_seq, released),
        res as (
            select c.resource, min(c.after_seq) as after_seq, bool_and(coalesce(c.released = 'S', false)) as x_only
            from consumed c where c.run_id is null group by c.resource),
        heads as (
            select r.resource, h.run_id, h.mode, h.seq,
                   row_number() over (partition by r.resource order by h.seq) as pos,
                   lag(h.seq) over (partition by r.resource order by h.seq) as prev_seq
            from res r
            cross join lateral (
                select min(q.seq) as next_x from run_lock q
                where q.resource = r.resource and q.mode = 'X' and q.seq > r.after_seq) x
            cross join lateral (
                select q.run_id, q.mode, q.seq from run_lock q
                where q.resource = r.resource and q.seq > r.after_seq
                  and q.seq <= coalesce(x.next_x, 9223372036854775807)
                order by q.seq limit case when r.x_only then 1 else p_head_limit + 1 end) h
            where not r.x_only or h.mode = 'X'),
        continued as (
            -- a shared group longer than p_head_limit: continue after the last entry looked at, in a later step
            insert into dispatch_signal (resource, after_seq)
            select h.resource, h.prev_seq from heads h where h.pos = p_head_limit + 1 and h.mode = 'S')
        select (select count(*) from consumed),
               array(select c.run_id from consumed c where c.run_id is not null)
                 || array(select h.run_id from heads h where h.pos = 1 or (h.mode = 'S' and h.pos <= p_head_limit))
        into v_consumed, v_candidates;
        signals := signals + v_consumed;

        -- 2. ready: no lock row with a lower seq conflicts with any of the run's own (rules 2-4, see above);
        --    monotonic until the run starts. Written below only for the runs that do not start in this step.
        if cardinality(v_candidates) > 0 then
            select coalesce(array_agg(run.id), '{}'), coalesce(array_agg(run.org), '{}'),
                   coalesce(array_agg(run.type), '{}'), coalesce(array_agg(run.seq), '{}')
            into v_r, v_o, v_t, v_s
            from run
            where run.id = any(v_candidates) and run.status = 'QUEUED' and not run.ready
              and not (run.id = any(v_ready))
              and not exists (
                select 1 from run_lock mine
                where mine.run_id = run.id and (
                  exists (select 1 from run_lock o where o.resource = mine.resource and o.seq < mine.seq
                                                      and o.mode = 'X')
                  or (mine.mode = 'X' and exists (select 1 from run_lock o where o.resource = mine.resource
                                                  and o.seq < mine.seq))));
            v_ready := v_ready || v_r;
            v_ready_orgs := v_ready_orgs || v_o;
            v_ready_types := v_ready_types || v_t;
            v_ready_seqs := v_ready_seqs || v_s;
        end if;
        if v_consumed < v_quota then
            exit;
        end if;
        if cardinality(v_ready) >= v_free then
            more := true;
            exit;
        end if;
    end loop;

    -- 3. start the earliest ready runs of every type below its limit, up to the free capacity (rule 1)
    v_start := array(
        with t as (
          select rt.org, rt.type, least(coalesce(tl.max_running, p_default_type_limit) - (
                   select count(*) from run x where x.org = rt.org and x.type = rt.type and x.status = 'RUNNING'),
                 v_free) as free
          from run_type rt left join type_limit tl on tl.org = rt.org and tl.type = rt.type),
        fresh as (
          select * from unnest(v_ready, v_ready_orgs, v_ready_types, v_ready_seqs) as f(id, org, type, seq))
        select r.id from t
        cross join lateral (
          select u.id, u.seq from (
            (select run.id, run.seq from run
             where run.org = t.org and run.type = t.type and run.status = 'QUEUED' and run.ready
             order by run.seq limit greatest(t.free, 0))
            union all
            (select f.id, f.seq from fresh f where f.org = t.org and f.type = t.type)) u
          order by u.seq limit greatest(t.free, 0)) r
        where t.free > 0
        order by r.seq limit v_free);
    if cardinality(v_ready) > 0 then
        update run set ready = true where run.id = any(v_ready) and not (run.id = any(v_start));
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
