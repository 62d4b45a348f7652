package com.dataplatform.ci.deploy.app;

import com.dataplatform.common.web.ApiException;
import java.time.OffsetDateTime;
import java.util.Optional;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Apps by name; another org's app looks like a missing one. */
public class AppStore {

    /** An app row. */
    public record App(String name, String org, String description, OffsetDateTime createdAt) {
    }

    private final JdbcClient jdbc;

    public AppStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public App create(AppName name, String org, String description) {
        try {
            return jdbc.sql("""
                    insert into app (name, org, description) values (:n, :o, :d)
                    returning name, org, description, created_at""")
                    .param("n", name.value()).param("o", org).param("d", description == null ? "" : description)
                    .query(App.class).single();
        } catch (DuplicateKeyException e) {
            // app names are global (they name Postgres schemas), so a name taken by another org is taken too
            throw ApiException.conflict("name", "app " + name + " already exists");
        }
    }

    public Optional<App> find(String name, String org) {
        return jdbc.sql("select name, org, description, created_at from app where name = :n and org = :o")
                .param("n", name).param("o", org).query(App.class).optional();
    }

    public App require(String name, String org) {
        return find(name, org).orElseThrow(() -> ApiException.notFound("app", name));
    }
}
