package com.dataplatform.analytics.embed.page;

import com.dataplatform.common.web.ApiException;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/** Pages in {@code analytics_embed.page}; every lookup is scoped to the caller's org. */
@Repository
public class PageStore {

    private static final TypeReference<List<Block>> BLOCKS = new TypeReference<>() { };
    private static final TypeReference<List<String>> STRINGS = new TypeReference<>() { };

    private final JdbcClient jdbc;
    private final JsonMapper json;

    PageStore(JdbcClient jdbc, JsonMapper json) {
        this.jdbc = jdbc;
        this.json = json;
    }

    UUID create(String org, String user, PageRequest r) {
        UUID id = UUID.randomUUID();
        try {
            jdbc.sql("""
                    insert into page (id, org, slug, title, blocks, allowed_origins, created_by, updated_by)
                    values (:id, :org, :slug, :title, cast(:blocks as jsonb), cast(:origins as jsonb), :user, :user)""")
                    .param("id", id).param("org", org).param("slug", r.slug()).param("title", r.title())
                    .param("blocks", json.writeValueAsString(r.blocks()))
                    .param("origins", json.writeValueAsString(Origins.normalize(r.allowedOrigins())))
                    .param("user", user).update();
        } catch (DuplicateKeyException e) {
            throw slugClash(r.slug());
        }
        return id;
    }

    void update(String org, UUID id, String user, PageRequest r) {
        int n;
        try {
            n = jdbc.sql("""
                    update page set slug = :slug, title = :title, blocks = cast(:blocks as jsonb),
                        allowed_origins = cast(:origins as jsonb), updated_by = :user, updated_at = now()
                    where id = :id and org = :org""")
                    .param("id", id).param("org", org).param("slug", r.slug()).param("title", r.title())
                    .param("blocks", json.writeValueAsString(r.blocks()))
                    .param("origins", json.writeValueAsString(Origins.normalize(r.allowedOrigins())))
                    .param("user", user).update();
        } catch (DuplicateKeyException e) {
            throw slugClash(r.slug());
        }
        if (n == 0) {
            throw ApiException.notFound("page", id);
        }
    }

    boolean delete(String org, UUID id) {
        return jdbc.sql("delete from page where id = :id and org = :org").param("id", id).param("org", org)
                .update() == 1;
    }

    public Optional<Page> find(String org, UUID id) {
        return jdbc.sql("select * from page where id = :id and org = :org").param("id", id).param("org", org)
                .query(this::map).optional();
    }

    public Optional<Page> findBySlug(String org, String slug) {
        return jdbc.sql("select * from page where org = :org and slug = :slug").param("org", org)
                .param("slug", slug).query(this::map).optional();
    }

    /** Locks the page row until the end of the transaction (serializes area changes on one page). */
    public boolean lock(String org, UUID id) {
        return jdbc.sql("select id from page where id = :id and org = :org for update").param("id", id)
                .param("org", org).query().listOfRows().size() == 1;
    }

    private Page map(java.sql.ResultSet rs, int i) throws java.sql.SQLException {
        return new Page(rs.getObject("id", UUID.class), rs.getString("org"), rs.getString("slug"),
                rs.getString("title"), json.readValue(rs.getString("blocks"), BLOCKS),
                json.readValue(rs.getString("allowed_origins"), STRINGS), rs.getString("updated_by"),
                rs.getObject("updated_at", java.time.OffsetDateTime.class));
    }

    private static ApiException slugClash(String slug) {
        return ApiException.conflict("slug", "a page with slug " + slug + " already exists in this org");
    }
}
