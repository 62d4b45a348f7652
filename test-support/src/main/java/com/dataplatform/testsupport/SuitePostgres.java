package com.dataplatform.testsupport;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * One real PostgreSQL 17 per test JVM (zonky embedded binaries, started on first use, stopped at JVM exit), or
 * the server named by {@code SUITE_POSTGRES_URL} (with {@code SUITE_POSTGRES_USER}/{@code SUITE_POSTGRES_PASSWORD}).
 * Logical decoding is enabled for services that stream changes from the WAL.
 */
public final class SuitePostgres {

    public static final String URL_ENV = "SUITE_POSTGRES_URL";

    private static volatile Connection connection;

    /** JDBC coordinates of the shared server. */
    public record Connection(String jdbcUrl, String username, String password, EmbeddedPostgres embedded) {
    }

    private SuitePostgres() {
    }

    public static Connection get() {
        Connection c = connection;
        if (c == null) {
            synchronized (SuitePostgres.class) {
                if (connection == null) {
                    connection = start();
                }
                c = connection;
            }
        }
        return c;
    }

    private static Connection start() {
        String url = System.getenv(URL_ENV);
        if (url != null && !url.isBlank()) {
            return new Connection(url, env("SUITE_POSTGRES_USER", "postgres"), env("SUITE_POSTGRES_PASSWORD", "postgres"),
                    null);
        }
        try {
            EmbeddedPostgres pg = EmbeddedPostgres.builder()
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "20")
                    .setServerConfig("max_wal_senders", "20")
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("shared_buffers", "256MB")
                    .start();
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    pg.close();
                } catch (IOException ignored) {
                    // JVM is exiting
                }
            }, "suite-postgres-stop"));
            return new Connection(pg.getJdbcUrl("postgres", "postgres"), "postgres", "postgres", pg);
        } catch (IOException e) {
            throw new UncheckedIOException("could not start embedded PostgreSQL", e);
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
