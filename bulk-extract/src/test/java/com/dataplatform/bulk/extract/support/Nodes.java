package com.dataplatform.bulk.extract.support;

import com.dataplatform.bulk.extract.BulkExtractApplication;
import com.dataplatform.bulk.extract.extraction.SnapshotProbe;
import com.dataplatform.testsupport.SuiteKafka;
import com.dataplatform.testsupport.SuitePostgres;
import com.dataplatform.testsupport.TestJwts;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.support.GenericApplicationContext;

/**
 * Service nodes for tests that start, stop and run several of them at once: each is a full application context on
 * the JVM's one PostgreSQL and Kafka, on a random port.
 */
public final class Nodes {

    private Nodes() {
    }

    /** Starts a node; {@code extra} properties (e.g. {@code bulk-extract.entities}) win over the defaults. */
    public static ConfigurableApplicationContext start(SnapshotProbe probe, Map<String, String> extra) {
        SuitePostgres.Connection pg = SuitePostgres.get();
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("spring.datasource.url", pg.jdbcUrl());
        p.put("spring.datasource.username", pg.username());
        p.put("spring.datasource.password", pg.password());
        p.put("spring.kafka.bootstrap-servers", SuiteKafka.bootstrapServers());
        p.put("spring.security.oauth2.resourceserver.jwt.public-key-location",
                "file:" + TestJwts.publicKeyPem().toAbsolutePath());
        p.put("server.port", "0");
        p.put("bulk-extract.lease", "3s");
        p.put("bulk-extract.claim-interval", "200ms");
        p.putAll(extra);
        SpringApplicationBuilder b = new SpringApplicationBuilder(BulkExtractApplication.class);
        if (probe != null) {
            b.initializers(ctx -> ((GenericApplicationContext) ctx).registerBean(SnapshotProbe.class, () -> probe));
        }
        // as command-line arguments, which win over application.yml (builder properties would not)
        return b.run(p.entrySet().stream().map(e -> "--" + e.getKey() + "=" + e.getValue()).toArray(String[]::new));
    }

    public static Http http(ConfigurableApplicationContext node) {
        return new Http(Integer.parseInt(node.getEnvironment().getProperty("local.server.port")));
    }

    /**
     * Seeds {@code contacts} and {@code activities} of the org (and a tenth as many of the other org) in SQL, ids
     * {@code c-000000...}, user {@code u(i % 10)}, payload {@code {"org": org, "w": 0}}; records the seeded states in
     * the writers and returns each key's user (seeded and new keys the writers may create).
     */
    public static Map<String, String> seed(String org, String otherOrg, Writers writers, int contacts, int activities,
            int newKeys) throws Exception {
        SuitePostgres.Connection pg = SuitePostgres.get();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
            for (String o : List.of(org, otherOrg)) {
                int scale = o.equals(org) ? 1 : 10;
                for (String entity : List.of("contacts", "activities")) {
                    int n = (entity.equals("contacts") ? contacts : activities) / scale;
                    try (PreparedStatement ps = c.prepareStatement("insert into bulk_extract." + entity
                            + " (org, id, user_id, payload) select ?, ? || lpad(i::text, 6, '0'), 'u' || (i % 10),"
                            + " jsonb_build_object('org', ?::text, 'w', 0) from generate_series(0, ?) i")) {
                        ps.setString(1, o);
                        ps.setString(2, entity.charAt(0) + "-");
                        ps.setString(3, o);
                        ps.setInt(4, n - 1);
                        ps.executeUpdate();
                    }
                }
            }
        }
        Map<String, String> userOfKey = new LinkedHashMap<>();
        for (String entity : List.of("contacts", "activities")) {
            int n = entity.equals("contacts") ? contacts : activities;
            for (int i = 0; i < n + newKeys; i++) {
                userOfKey.put(entity + ":" + Writers.id(entity, i), Writers.userOf(i));
                if (i < n) {
                    writers.seeded(entity, i);
                }
            }
        }
        return userOfKey;
    }
}
