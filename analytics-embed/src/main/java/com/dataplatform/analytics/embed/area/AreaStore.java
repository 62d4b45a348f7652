package com.dataplatform.analytics.embed.area;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.json.JsonMapper;

/** Areas and their append-only versions; every lookup is scoped to the org. */
@Repository
public class AreaStore {

    private static final String CURRENT = """
            select a.id, a.page_id, a.org, a.current_version, v.spec, v.created_by, v.created_at
            from embed_area a join embed_area_version v on v.area_id = a.id and v.version = a.current_version
            """;

    private final JdbcClient jdbc;
    private final JsonMapper json;

    AreaStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    void insert(UUID id, UUID pageId, String org, AreaSpec spec, String user) {
        jdbc.sql("insert into embed_area (id, page_id, org, current_version) values (:id, :page, :org, 1)")
                .param("id", id).param("page", pageId).param("org", org).update();
        insertVersion(id, 1, spec, user);
    }

    /** Appends version {@code current + 1} and makes it current; the caller holds the page lock. */
    int appendVersion(Area area, AreaSpec spec, String user) {
        int next = area.version() + 1;
        insertVersion(area.id(), next, spec, user);
        jdbc.sql("update embed_area set current_version = :v where id = :id").param("v", next).param("id", area.id())
                .update();
        return next;
    }

    private void insertVersion(UUID id, int version, AreaSpec spec, String user) {
        jdbc.sql("""
                insert into embed_area_version (area_id, version, spec, created_by)
                values (:id, :v, cast(:spec as jsonb), :user)""")
                .param("id", id).param("v", version).param("spec", json.writeValueAsString(spec)).param("user", user)
                .update();
    }

    public Optional<Area> find(String org, UUID id) {
        return jdbc.sql(CURRENT + " where a.id = :id and a.org = :org").param("id", id).param("org", org)
                .query(this::map).optional();
    }

    public List<Area> ofPage(String org, UUID pageId) {
        return jdbc.sql(CURRENT + " where a.page_id = :page and a.org = :org order by a.created_at, a.id")
                .param("page", pageId).param("org", org).query(this::map).list();
    }

    List<AreaVersion> versions(UUID id) {
        return jdbc.sql("""
                select version, spec, created_by, created_at from embed_area_version
                where area_id = :id order by version""")
                .param("id", id)
                .query((rs, i) -> new AreaVersion(rs.getInt(1), json.readValue(rs.getString(2), AreaSpec.class),
                        rs.getString(3), rs.getObject(4, OffsetDateTime.class)))
                .list();
    }

    boolean delete(String org, UUID id) {
        return jdbc.sql("delete from embed_area where id = :id and org = :org").param("id", id).param("org", org)
                .update() == 1;
    }

    private Area map(ResultSet rs, int i) throws SQLException {
        return new Area(rs.getObject(1, UUID.class), rs.getObject(2, UUID.class), rs.getString(3), rs.getInt(4),
                json.readValue(rs.getString(5), AreaSpec.class), rs.getString(6),
                rs.getObject(7, OffsetDateTime.class));
    }
}
