package com.dataplatform.bench;

import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.SuitePostgres;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/**
 * What a benchmark runs on: the JVM's one embedded PostgreSQL and Kafka (or SUITE_POSTGRES_URL /
 * SUITE_KAFKA_BOOTSTRAP), the mode, and the server settings every table is printed with.
 */
public final class BenchContext {

    private final boolean smoke;

    public BenchContext(boolean smoke) {
        this.smoke = smoke;
    }

    public boolean smoke() {
        return smoke;
    }

    /** Picks the smoke or the full size. */
    public int size(int smokeSize, int fullSize) {
        return smoke ? smokeSize : fullSize;
    }

    public SuitePostgres.Connection postgres() {
        return SuitePostgres.get();
    }

    /** A non-pooled data source; benchmarks that need a pool (and baselines always do) build their own. */
    public DataSource dataSource() {
        SuitePostgres.Connection pg = postgres();
        return new DriverManagerDataSource(pg.jdbcUrl(), pg.username(), pg.password());
    }

    public String kafkaBootstrap() {
        return SuiteKafka.bootstrapServers();
    }

    /** Server settings that change results; printed above every table. */
    public Map<String, String> settings() {
        Map<String, String> s = new LinkedHashMap<>();
        JdbcClient jdbc = JdbcClient.create(dataSource());
        for (String name : new String[] {"server_version", "fsync", "synchronous_commit", "shared_buffers"}) {
            s.put(name, jdbc.sql("show " + name).query(String.class).single());
        }
        s.put("cpus", Integer.toString(Runtime.getRuntime().availableProcessors()));
        s.put("java", System.getProperty("java.version"));
        s.put("mode", smoke ? "smoke" : "full");
        return s;
    }
}
