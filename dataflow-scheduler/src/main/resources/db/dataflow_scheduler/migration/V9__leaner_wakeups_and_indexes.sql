-- Less written per run, in the step and in the finish:
-- 1. A finish leaves one wake-up row naming all the resources it released (resources[], modes[]) instead of one
--    row per resource. Rows of the old shape (resource, released) are still understood.
-- 2. A step consumes wake-ups in chunks sized by the share of ready candidates found so far (first chunk: as many
--    as it may start), so a dense queue is evaluated in two or three statements instead of one per few runs.
-- 3. One partial index of running runs, (org, type) including lease_until, replaces run_lease and
--    run_running_by_type: per-type counts probe it, the global count and lease expiry read it whole — at most
--    the global limit of entries. One index entry less per start.
-- 4. outbox.event_id loses its unique index: ids are random UUIDs, the relay reads and deletes by id, and
--    nothing looks rows up by event_id. Two index entries less per run (RunStarted, RunSucceeded).
alter table dispatch_signal add column resources text[];
alter table dispatch_signal add column modes text[];

create index run_running on run (org, type) include (lease_until) where status = 'RUNNING';
drop index run_running_by_type;
drop index run_lease;

alter table outbox drop constraint outbox_event_id_key;

create or replace function dispatch_step(p_worker text, p_lease_ms bigint, p_batch int, p_max_start int, p_global_limit int,
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
        -- as many wake-ups as runs it may still start, scaled by the share found ready so far
        v_quota := least(p_batch - signals, case
            when signals = 0 then v_free
            when cardinality(v_ready) = 0 then p_batch
            else greatest(ceil((v_free - cardinality(v_ready))::numeric * signals / cardinality(v_ready))::int, 8)
            end);
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
            returning run_id, resource, after_seq, released, resources, modes),
        wakes as (
            select c.resource, c.after_seq, c.released::text as released from consumed c where c.resource is not null
            union all
            select u.resource, 0::bigint, u.mode
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
