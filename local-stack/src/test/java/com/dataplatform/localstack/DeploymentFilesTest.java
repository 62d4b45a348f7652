package com.dataplatform.localstack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * No Docker engine runs here, so the production-like deployment is checked by reading it: every service in
 * docker-compose.yml is built from its jar, exposes its port, is health-checked, waits for healthy PostgreSQL and
 * Kafka, and gets only environment variables that bind to real configuration keys of that service; Prometheus
 * scrapes every service; every service's executable jar exists where the Dockerfile copies it from.
 */
class DeploymentFilesTest {

    static final List<String> SERVICES = List.of("ci-deploy-service", "stream-distributor", "calendar-sync",
            "bulk-extract", "dataflow-scheduler", "analytics-embed");
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

    static Map<String, Object> compose;

    @BeforeAll
    @SuppressWarnings("unchecked")
    static void load() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("docker-compose.yml"))) {
            compose = new Yaml().load(in);
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_service_is_built_exposed_health_checked_and_waits_for_healthy_infrastructure() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        assertThat(services).containsKeys("postgres", "kafka", "prometheus");
        assertThat((String) ((Map<String, Object>) services.get("postgres")).get("image")).startsWith("postgres:17");
        assertThat((String) ((Map<String, Object>) services.get("kafka")).get("image")).startsWith("apache/kafka:4");
        for (String infra : List.of("postgres", "kafka", "prometheus")) {
            assertThat(((Map<String, Object>) services.get(infra))).as(infra).containsKey("healthcheck");
        }
        for (String name : SERVICES) {
            Map<String, Object> svc = (Map<String, Object>) services.get(name);
            assertThat(svc).as(name).isNotNull();
            Map<String, Object> build = (Map<String, Object>) svc.get("build");
            assertThat(build.get("context")).as(name).isEqualTo(".");
            assertThat(((Map<String, Object>) build.get("args")).get("MODULE")).as(name).isEqualTo(name);
            assertThat((String) svc.get("image")).as(name).contains(name);
            int port = serverPort(name);
            assertThat((List<String>) svc.get("ports")).as(name).contains(port + ":" + port);
            String health = String.join(" ", (List<String>) ((Map<String, Object>) svc.get("healthcheck")).get("test"));
            assertThat(health).as(name).contains("localhost:" + port + "/actuator/health/readiness");
            Map<String, Object> deps = (Map<String, Object>) svc.get("depends_on");
            for (String infra : List.of("postgres", "kafka")) {
                assertThat(((Map<String, Object>) deps.get(infra)).get("condition")).as(name + " -> " + infra)
                        .isEqualTo("service_healthy");
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void every_environment_variable_binds_to_a_configuration_key_of_that_service() throws IOException {
        Map<String, Object> services = (Map<String, Object>) compose.get("services");
        for (String name : SERVICES) {
            Map<String, Object> env = (Map<String, Object>) ((Map<String, Object>) services.get(name)).get("environment");
            assertThat(env).as(name).containsKeys("SPRING_DATASOURCE_URL", "SPRING_DATASOURCE_USERNAME",
                    "SPRING_DATASOURCE_PASSWORD", "SPRING_KAFKA_BOOTSTRAP_SERVERS",
                    "SPRING_SECURITY_OAUTH2_RESOURCESERVER_JWT_JWK_SET_URI");
            Set<String> keys = configurationKeys(name);
            for (String variable : env.keySet()) {
                assertThat(binds(variable, keys)).as(name + ": " + variable + " binds to no configuration key").isTrue();
            }
            assertThat(binds("SPRING_DATASOURCE_URLL", keys)).isFalse();
            assertThat(binds("SUITE_NO_SUCH_SETTING", keys)).isFalse();
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void prometheus_scrapes_every_service_with_an_ops_token() throws IOException {
        Map<String, Object> config;
        try (InputStream in = Files.newInputStream(ROOT.resolve("ops/prometheus/prometheus.yml"))) {
            config = new Yaml().load(in);
        }
        Map<String, Map<String, Object>> jobs = new LinkedHashMap<>();
        for (Map<String, Object> job : (List<Map<String, Object>>) config.get("scrape_configs")) {
            jobs.put((String) job.get("job_name"), job);
        }
        for (String name : SERVICES) {
            Map<String, Object> job = jobs.get(name);
            assertThat(job).as(name).isNotNull();
            assertThat(job.get("metrics_path")).isEqualTo("/actuator/prometheus");
            assertThat(((Map<String, Object>) job.get("authorization")).get("credentials_file")).isNotNull();
            List<String> targets = (List<String>) ((List<Map<String, Object>>) job.get("static_configs")).get(0).get("targets");
            assertThat(targets).containsExactly(name + ":" + serverPort(name));
        }
        List<String> volumes = (List<String>) ((Map<String, Object>) ((Map<String, Object>) compose.get("services"))
                .get("prometheus")).get("volumes");
        assertThat(volumes).anyMatch(v -> v.startsWith("./ops/prometheus/prometheus.yml:"));
    }

    @Test
    @SuppressWarnings("unchecked")
    void grafana_loads_the_repositorys_dashboards_from_the_prometheus_it_is_given() throws IOException {
        Map<String, Object> grafana = (Map<String, Object>) ((Map<String, Object>) compose.get("services")).get("grafana");
        assertThat(grafana).as("a grafana service in docker-compose.yml").isNotNull();
        assertThat(grafana).containsKey("healthcheck");
        assertThat(((Map<String, Object>) ((Map<String, Object>) grafana.get("depends_on")).get("prometheus"))
                .get("condition")).isEqualTo("service_healthy");
        Map<String, String> mounts = new LinkedHashMap<>();
        for (String v : (List<String>) grafana.get("volumes")) {
            String[] parts = v.split(":");
            if (parts[0].startsWith("./")) {
                assertThat(ROOT.resolve(parts[0].substring(2))).as(v).exists();
                mounts.put(parts[1], parts[0].substring(2));
            }
        }
        Map<String, Object> datasources;
        Map<String, Object> providers;
        Path provisioning = ROOT.resolve(mounts.get("/etc/grafana/provisioning"));
        try (InputStream in = Files.newInputStream(provisioning.resolve("datasources/prometheus.yml"))) {
            datasources = new Yaml().load(in);
        }
        try (InputStream in = Files.newInputStream(provisioning.resolve("dashboards/suite.yml"))) {
            providers = new Yaml().load(in);
        }
        Map<String, Object> source = ((List<Map<String, Object>>) datasources.get("datasources")).get(0);
        assertThat(source.get("url")).isEqualTo("http://prometheus:9090");
        String path = (String) ((Map<String, Object>) ((List<Map<String, Object>>) providers.get("providers")).get(0)
                .get("options")).get("path");
        Path dashboards = ROOT.resolve(mounts.get(path));
        JsonMapper json = JsonMapper.builder().build();
        try (var files = Files.list(dashboards)) {
            List<Path> all = files.filter(f -> f.toString().endsWith(".json")).toList();
            assertThat(all).isNotEmpty();
            for (Path f : all) {
                Set<String> uids = new HashSet<>();
                json.readTree(Files.readString(f)).findValues("datasource").forEach(d -> {
                    // "-- Grafana --" is Grafana's built-in annotation source; $-variables resolve to a provisioned one
                    if (d.has("uid") && !d.path("uid").asString().startsWith("$")
                            && !d.path("uid").asString().equals("-- Grafana --")) {
                        uids.add(d.path("uid").asString());
                    }
                });
                assertThat(uids).as(f + " uses only the provisioned datasource").containsOnly((String) source.get("uid"));
            }
        }
    }

    @Test
    void each_service_has_the_executable_jar_the_dockerfile_copies() throws IOException {
        String dockerfile = Files.readString(ROOT.resolve("Dockerfile"));
        assertThat(dockerfile).contains("COPY ${MODULE}/target/${MODULE}.jar").contains("\"-jar\"");
        for (String name : SERVICES) {
            Path jar = ROOT.resolve(name).resolve("target").resolve(name + ".jar");
            assertThat(jar).as("run ./mvnw package first").exists();
            try (JarFile file = new JarFile(jar.toFile())) {
                assertThat(file.getManifest().getMainAttributes().getValue("Main-Class")).as(name)
                        .contains("org.springframework.boot.loader");
                assertThat(file.getManifest().getMainAttributes().getValue("Start-Class")).as(name)
                        .startsWith("com.dataplatform.");
            }
        }
    }

    /**
     * Spring's relaxed binding of environment variables: dots become underscores and dashes are dropped
     * (FOO_BARBAZ binds foo.bar-baz), or, in the legacy form Boot also accepts, dashes become underscores too.
     */
    static boolean binds(String variable, Set<String> keys) {
        return keys.stream().anyMatch(k -> canonical(k).equals(variable) || legacy(k).equals(variable));
    }

    static String canonical(String property) {
        return property.replace(".", "_").replace("-", "").toUpperCase(Locale.ROOT);
    }

    static String legacy(String property) {
        return property.replace(".", "_").replace("-", "_").toUpperCase(Locale.ROOT);
    }

    /** Keys of the service's application.yml plus every key in the Boot metadata of its runtime classpath. */
    @SuppressWarnings("unchecked")
    static Set<String> configurationKeys(String service) throws IOException {
        Set<String> keys = new HashSet<>();
        try (InputStream in = Files.newInputStream(ROOT.resolve(service).resolve("src/main/resources/application.yml"))) {
            flatten("", new Yaml().load(in), keys);
        }
        JsonMapper json = JsonMapper.builder().build();
        String classpath = Files.readString(ROOT.resolve(service).resolve("target/runtime-classpath.txt")).trim();
        for (String entry : classpath.split(java.io.File.pathSeparator)) {
            if (!entry.endsWith(".jar")) {
                continue;
            }
            try (JarFile jar = new JarFile(entry)) {
                for (String meta : List.of("META-INF/spring-configuration-metadata.json",
                        "META-INF/additional-spring-configuration-metadata.json")) {
                    ZipEntry e = jar.getEntry(meta);
                    if (e != null) {
                        try (InputStream in = jar.getInputStream(e)) {
                            for (JsonNode p : json.readTree(in).path("properties")) {
                                keys.add(p.path("name").asString());
                            }
                        }
                    }
                }
            }
        }
        return keys;
    }

    @SuppressWarnings("unchecked")
    private static void flatten(String prefix, Object node, Set<String> keys) {
        if (node instanceof Map<?, ?> map) {
            map.forEach((k, v) -> flatten(prefix.isEmpty() ? k.toString() : prefix + "." + k, v, keys));
        } else {
            keys.add(prefix);
        }
    }

    @SuppressWarnings("unchecked")
    private static int serverPort(String service) throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve(service).resolve("src/main/resources/application.yml"))) {
            Map<String, Object> yml = new Yaml().load(in);
            return (Integer) ((Map<String, Object>) yml.get("server")).get("port");
        }
    }
}
