package com.dataplatform.bulk.extract.source;

import java.sql.PreparedStatement;
import java.sql.Types;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import tools.jackson.databind.json.JsonMapper;

/** Applies a validated batch in one transaction; the capture trigger records every row change in the same one. */
@Service
class SourceWriter {

    private final JdbcTemplate jdbc;
    private final SourceTables tables;
    private final JsonMapper json;

    SourceWriter(JdbcTemplate jdbc, SourceTables tables, JsonMapper json) {
        this.jdbc = jdbc;
        this.tables = tables;
        this.json = json;
    }

    @Transactional
    public void apply(String org, String entity, RecordBatch batch) {
        String table = tables.table(entity);
        if (!batch.upserts().isEmpty()) {
            jdbc.batchUpdate("""
                    insert into %s (org, id, user_id, payload) values (?, ?, ?, ?::jsonb)
                    on conflict (org, id) do update set user_id = excluded.user_id, payload = excluded.payload,
                        updated_at = now()""".formatted(table), batch.upserts(), 500,
                    (PreparedStatement ps, RecordBatch.Upsert u) -> {
                        ps.setString(1, org);
                        ps.setString(2, u.id());
                        ps.setString(3, u.userId());
                        ps.setObject(4, json.writeValueAsString(u.data()), Types.OTHER);
                    });
        }
        if (!batch.deletes().isEmpty()) {
            jdbc.update("delete from %s where org = ? and id = any(?)".formatted(table),
                    ps -> {
                        ps.setString(1, org);
                        ps.setArray(2, ps.getConnection().createArrayOf("text", batch.deletes().toArray()));
                    });
        }
    }
}
