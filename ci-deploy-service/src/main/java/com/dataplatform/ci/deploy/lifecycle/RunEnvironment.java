package com.dataplatform.ci.deploy.lifecycle;

import com.dataplatform.ci.deploy.assembly.VersionPaths;
import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import com.dataplatform.ci.deploy.runtime.RunSpec;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The channels an app gets: its database coordinates (URL without any user/password parameter, which PgJDBC would
 * let override DB_USER), its role and password, its schema, the Kafka bootstrap servers and APP_CLASSPATH with the
 * PostgreSQL JDBC driver, located from {@code org.postgresql.Driver}'s code source.
 */
public class RunEnvironment {

    private final String dbUrl;
    private final String kafkaBootstrap;
    private final String classpath;

    public RunEnvironment(String jdbcUrl, String kafkaBootstrap) {
        this.dbUrl = withoutCredentials(jdbcUrl);
        this.kafkaBootstrap = kafkaBootstrap;
        this.classpath = driverJar();
    }

    public RunSpec spec(VersionRow row, AppDescriptor descriptor, VersionPaths paths, String password) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DB_URL", dbUrl);
        env.put("DB_USER", row.roleName());
        env.put("DB_PASSWORD", password);
        env.put("APP_SCHEMA", row.schemaName());
        env.put("KAFKA_BOOTSTRAP", kafkaBootstrap);
        env.put("APP_CLASSPATH", classpath);
        env.put("APP_NAME", row.app());
        env.put("APP_VERSION", Integer.toString(row.version()));
        env.put("APP_TOPIC_PREFIX", row.app() + ".");
        return new RunSpec(row.app() + "-v" + row.version(), paths.workspace(), paths.runDir(), paths.runLog(),
                descriptor.run(), env, descriptor.memoryMb(), descriptor.timeout());
    }

    public String dbUrl() {
        return dbUrl;
    }

    public String classpath() {
        return classpath;
    }

    static String withoutCredentials(String url) {
        int q = url.indexOf('?');
        if (q < 0) {
            return url;
        }
        StringBuilder kept = new StringBuilder();
        for (String param : url.substring(q + 1).split("&")) {
            String key = param.split("=", 2)[0].toLowerCase(Locale.ROOT);
            if (key.isEmpty() || key.equals("user") || key.equals("password") || key.equals("currentschema")
                    || key.equals("options")) {
                continue;
            }
            kept.append(kept.isEmpty() ? "?" : "&").append(param);
        }
        return url.substring(0, q) + kept;
    }

    static String driverJar() {
        try {
            Class<?> driver = Class.forName("org.postgresql.Driver");
            return Path.of(driver.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (ClassNotFoundException | URISyntaxException | RuntimeException e) {
            throw new IllegalStateException("cannot locate the PostgreSQL JDBC driver jar", e);
        }
    }
}
