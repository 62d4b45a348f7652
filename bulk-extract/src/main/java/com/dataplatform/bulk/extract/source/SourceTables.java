package com.dataplatform.bulk.extract.source;

import com.dataplatform.bulk.extract.ExtractProperties;
import com.dataplatform.common.lake.LakeNames;
import java.util.List;
import java.util.regex.Pattern;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The configured source entities: one table each ({@code id, org, user_id, payload jsonb, updated_at}, primary key
 * {@code (org, id)}) with the capture trigger, created at startup if missing. Entity names are validated
 * identifiers, so they can be quoted into SQL; nothing a request sends becomes SQL text.
 */
@Component
public class SourceTables {

    private static final Pattern ENTITY = Pattern.compile("[a-z][a-z0-9_]{0,39}");
    private static final List<String> RESERVED = List.of("change_staging", "change_feed", "relay_state",
            "extraction_job", "processed_event", "flyway_schema_history", "outbox");

    private final List<String> entities;

    public SourceTables(ExtractProperties props, JdbcClient jdbc, TransactionTemplate tx) {
        for (String e : props.entities()) {
            if (!ENTITY.matcher(e).matches() || RESERVED.contains(e)) {
                throw new IllegalArgumentException("bulk-extract.entities: invalid entity name '" + e + "'");
            }
        }
        this.entities = List.copyOf(props.entities());
        tx.executeWithoutResult(s -> {
            jdbc.sql("select pg_advisory_xact_lock(hashtext('bulk_extract.source_tables'))").query().singleRow();
            for (String e : entities) {
                create(jdbc, e);
            }
        });
    }

    private static void create(JdbcClient jdbc, String entity) {
        // DDL locks the table even when nothing is missing; a node starting under write load must not take them
        boolean complete = jdbc.sql("""
                select count(*) = 2 from pg_trigger
                where tgrelid = to_regclass(quote_ident(current_schema()) || '.' || quote_ident(:t))
                  and tgname in ('capture', 'no_truncate')
                  and exists (select 1 from pg_indexes where schemaname = current_schema() and indexname = :t || '_user')""")
                .param("t", entity).query(Boolean.class).single();
        if (complete) {
            return;
        }
        String t = LakeNames.quote(entity);
        jdbc.sql("""
                create table if not exists %s (
                    org        text        not null,
                    id         text        not null,
                    user_id    text        not null,
                    payload    jsonb       not null,
                    updated_at timestamptz not null default now(),
                    primary key (org, id)
                )""".formatted(t)).update();
        jdbc.sql("create index if not exists \"%s_user\" on %s (org, user_id, id)".formatted(entity, t)).update();
        jdbc.sql("create or replace trigger capture after insert or update or delete on %s for each row execute function capture_change()"
                .formatted(t)).update();
        jdbc.sql("create or replace trigger no_truncate before truncate on %s for each statement execute function refuse_truncate()"
                .formatted(t)).update();
    }

    public List<String> entities() {
        return entities;
    }

    public boolean exists(String entity) {
        return entities.contains(entity);
    }

    /** The quoted table name of a configured entity; throws for anything else. */
    public String table(String entity) {
        if (!exists(entity)) {
            throw new IllegalArgumentException("unknown entity " + entity);
        }
        return LakeNames.quote(entity);
    }
}
