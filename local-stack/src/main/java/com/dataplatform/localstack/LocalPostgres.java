package com.dataplatform.localstack;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 17 from embedded binaries with its data directory kept across restarts. Unlike the test
 * default, fsync and synchronous_commit are on: the local stack promises not to lose committed data.
 */
public final class LocalPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(LocalPostgres.class);

    private final EmbeddedPostgres postgres;
    private final int port;

    private LocalPostgres(EmbeddedPostgres postgres, int port) {
        this.postgres = postgres;
        this.port = port;
    }

    public static LocalPostgres start(Path dataDir, int port) throws IOException {
        Files.createDirectories(dataDir);
        boolean existing = Files.exists(dataDir.resolve("PG_VERSION"));
        EmbeddedPostgres pg = EmbeddedPostgres.builder()
                .setPort(port)
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setServerConfig("max_connections", "300")
                .start();
        log.info("PostgreSQL up on port {} ({} data directory {})", port, existing ? "existing" : "new", dataDir);
        return new LocalPostgres(pg, port);
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres";
    }

    public String username() {
        return "postgres";
    }

    public String password() {
        return "postgres";
    }

    public javax.sql.DataSource dataSource() {
        return postgres.getPostgresDatabase();
    }

    @Override
    public void close() throws IOException {
        postgres.close();
        log.info("PostgreSQL stopped");
    }
}
