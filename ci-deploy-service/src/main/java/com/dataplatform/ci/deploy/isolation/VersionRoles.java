package com.dataplatform.ci.deploy.isolation;

import static com.dataplatform.common.lake.LakeNames.quote;

import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import java.security.SecureRandom;
import java.util.HexFormat;
import org.springframework.jdbc.UncategorizedSQLException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The database side of a version's container: a dedicated LOGIN role that owns exactly one schema
 * ({@code app_<name>_v<N>}) and holds SELECT on the declared inputs only, nothing else (NOINHERIT, no CREATEDB/
 * CREATEROLE, a connection limit). The live views ({@code app_<name>}) and other versions' schemas grant it nothing,
 * so a candidate physically cannot write or even read the live tables. Identifiers come from validated names and
 * are quoted; the password is generated here, never user input.
 */
public class VersionRoles {

    private static final SecureRandom RANDOM = new SecureRandom();
    /** Advisory lock key of this service's role and grant changes ("ci-dep" + "role" as bytes). */
    static final long GRANT_LOCK = 0x63692d646570726fL;

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;

    public VersionRoles(JdbcClient jdbc, TransactionTemplate tx) {
        this.jdbc = jdbc;
        this.tx = tx;
    }

    /**
     * Creates role and schema and grants the inputs, in one transaction; returns the role's password. Versions of
     * apps reading the same input are deployed at the same time, and PostgreSQL refuses two GRANTs that rewrite one
     * catalog row (the input schema's or table's ACL) at once ("tuple concurrently updated", XX000): the grants of
     * this service are serialized by a transaction-scoped advisory lock, and a clash with a GRANT from elsewhere
     * is retried.
     */
    public String create(String role, String schema, AppDescriptor descriptor) {
        for (int attempt = 1; ; attempt++) {
            try {
                return createOnce(role, schema, descriptor);
            } catch (UncategorizedSQLException e) {
                if (attempt >= 5 || !"XX000".equals(e.getSQLException().getSQLState())
                        || !String.valueOf(e.getSQLException().getMessage()).contains("concurrently updated")) {
                    throw e;
                }
                try {
                    Thread.sleep(20L * attempt);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private String createOnce(String role, String schema, AppDescriptor descriptor) {
        String password = newPassword();
        tx.executeWithoutResult(s -> {
            lockGrants();
            if (exists(role)) {
                // a previous attempt at this version (crash before the stage ended): start from nothing
                jdbc.sql("drop owned by " + quote(role)).update();
                jdbc.sql("drop role " + quote(role)).update();
            }
            jdbc.sql("create role " + quote(role) + " login noinherit nocreatedb nocreaterole noreplication "
                    + "connection limit 8 password '" + password + "'").update();
            jdbc.sql("create schema " + quote(schema) + " authorization " + quote(role)).update();
            jdbc.sql("alter role " + quote(role) + " set search_path = " + quote(schema)).update();
            for (AppDescriptor.Input in : descriptor.reads()) {
                jdbc.sql("grant usage on schema " + quote(in.schema()) + " to " + quote(role)).update();
                jdbc.sql("grant select on " + quote(in.schema()) + "." + quote(in.table()) + " to " + quote(role))
                        .update();
            }
        });
        return password;
    }

    /** Lets the role log in again with a fresh password (a retired version brought back by rollback or restart). */
    public String enable(String role) {
        String password = newPassword();
        jdbc.sql("alter role " + quote(role) + " login password '" + password + "'").update();
        return password;
    }

    /** Stops the role from logging in and ends its sessions: the version can no longer change its tables. */
    public void disable(String role) {
        if (!exists(role)) {
            return;
        }
        jdbc.sql("alter role " + quote(role) + " nologin").update();
        jdbc.sql("select pg_terminate_backend(pid) from pg_stat_activity where usename = :role")
                .param("role", role).query().listOfRows();
    }

    /**
     * Drops the version's schema, tables and role. {@code drop owned} is RESTRICT: if anything outside the
     * version still depends on its tables (a live view, by a bug), it fails instead of cascading into it.
     */
    public void drop(String role) {
        if (!exists(role)) {
            return;
        }
        disable(role);
        tx.executeWithoutResult(s -> {
            lockGrants(); // drop owned revokes the role's grants on the shared input schemas
            jdbc.sql("drop owned by " + quote(role)).update();
            jdbc.sql("drop role " + quote(role)).update();
        });
    }

    private void lockGrants() {
        jdbc.sql("select 1 from (select pg_advisory_xact_lock(:k)) l").param("k", GRANT_LOCK).query(Integer.class)
                .single();
    }

    public boolean exists(String role) {
        return jdbc.sql("select exists (select 1 from pg_roles where rolname = :r)").param("r", role)
                .query(Boolean.class).single();
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        RANDOM.nextBytes(bytes);
        return HexFormat.of().formatHex(bytes);
    }
}
