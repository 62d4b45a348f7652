-- Wake the relay at commit instead of at its next poll: every captured change also signals the channel
-- bulk_extract_staged (PostgreSQL delivers a channel's identical notifications of one transaction once, at commit).
-- Unchanged otherwise from V2's capture_change().
create or replace function capture_change() returns trigger language plpgsql as $$
begin
    perform pg_notify('bulk_extract_staged', '');
    if tg_op = 'DELETE' then
        insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
        values (tg_table_name, old.id, old.org, old.user_id, old.user_id, 'delete', null);
        return old;
    end if;
    if tg_op = 'UPDATE' then
        if new.org is distinct from old.org or new.id is distinct from old.id then
            raise exception 'org and id of a source record are immutable' using errcode = '23514';
        end if;
        insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
        values (tg_table_name, new.id, new.org, new.user_id, old.user_id, 'upsert', new.payload);
        return new;
    end if;
    insert into ${flyway:defaultSchema}.change_staging (entity, record_id, org, user_id, old_user_id, op, data)
    values (tg_table_name, new.id, new.org, new.user_id, null, 'upsert', new.payload);
    return new;
end
$$;
