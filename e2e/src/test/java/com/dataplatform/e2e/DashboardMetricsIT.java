package com.dataplatform.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * No Docker engine runs here, so Grafana cannot load the dashboard; instead every metric name in every panel's
 * PromQL is checked against what the running services really export on {@code /actuator/prometheus} (scraped with
 * an {@code ops} token, as Prometheus does), after the flows have exercised them. Each service must also have
 * panels of its own domain metrics, not only the JVM/HTTP basics every service shares.
 */
@Order(100)
class DashboardMetricsIT {

    static final Path DASHBOARDS = Path.of("..", "ops", "grafana", "dashboards");
    private static final Set<String> PROMQL_WORDS = Set.of("by", "without", "on", "ignoring", "group_left",
            "group_right", "bool", "and", "or", "unless", "offset", "inf", "nan", "le");
    private static final Pattern IDENT = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]*");

    @Test
    void every_panel_queries_metrics_the_services_export_and_each_service_has_its_own_panels() throws IOException {
        Stack stack = Stack.get();
        String token = Api.token(stack, "ops", "ops");
        Map<String, Set<String>> exported = new HashMap<>();
        for (String service : List.of(Stack.CI_DEPLOY, Stack.DISTRIBUTOR, Stack.CALENDAR, Stack.EXTRACT,
                Stack.DATAFLOW, Stack.ANALYTICS)) {
            HttpResponse<String> r = Api.send(HttpRequest.newBuilder(URI.create(stack.url(service) + "/actuator/prometheus"))
                    .header("Authorization", "Bearer " + token).build());
            assertThat(r.statusCode()).as(service + ": " + r.body()).isEqualTo(200);
            exported.put(service, sampleNames(r.body()));
        }
        Set<String> all = new HashSet<>();
        exported.values().forEach(all::addAll);

        Map<String, Set<String>> byPanel = panels();
        assertThat(byPanel).as("panels in " + DASHBOARDS).isNotEmpty();
        Set<String> used = new TreeSet<>();
        Map<String, Set<String>> missing = new java.util.TreeMap<>();
        byPanel.forEach((panel, metrics) -> {
            assertThat(metrics).as("panel '" + panel + "' queries no metric").isNotEmpty();
            Set<String> absent = new TreeSet<>(metrics);
            absent.removeIf(m -> fromPrometheusItself(m) || all.contains(m));
            if (!absent.isEmpty()) {
                missing.put(panel, absent);
            }
            used.addAll(metrics);
        });
        assertThat(missing).as("panels querying metrics no running service exports").isEmpty();
        for (Map.Entry<String, Set<String>> service : exported.entrySet()) {
            Set<String> own = new TreeSet<>(service.getValue());
            exported.forEach((other, names) -> {
                if (!other.equals(service.getKey())) {
                    own.removeAll(names);
                }
            });
            own.retainAll(used);
            assertThat(own).as(service.getKey() + " has no panel of its own domain metrics").isNotEmpty();
            System.out.printf("dashboard: %s domain metrics on panels: %s%n", service.getKey(), own);
        }
    }

    /** Series Prometheus writes about its own scrapes (up, scrape_*), not exported by a service. */
    static boolean fromPrometheusItself(String name) {
        return name.equals("up") || name.startsWith("scrape_");
    }

    /** Sample names of a Prometheus text exposition. */
    static Set<String> sampleNames(String exposition) {
        Set<String> names = new HashSet<>();
        for (String line : exposition.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = IDENT.matcher(line);
            if (m.lookingAt()) {
                names.add(m.group());
            }
        }
        return names;
    }

    /** Panel title → metric names its queries use. */
    static Map<String, Set<String>> panels() throws IOException {
        Map<String, Set<String>> out = new HashMap<>();
        try (Stream<Path> files = Files.list(DASHBOARDS)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".json")).toList()) {
                collect(Api.JSON.readTree(Files.readString(f)), f.getFileName().toString(), out);
            }
        }
        return out;
    }

    private static void collect(JsonNode node, String file, Map<String, Set<String>> out) {
        if (node.isObject() && node.has("targets") && node.path("type").asString().length() > 0
                && !node.path("type").asString().equals("row")) {
            Set<String> metrics = new LinkedHashSet<>();
            node.path("targets").forEach(t -> metrics.addAll(metricNames(t.path("expr").asString())));
            out.put(file + ": " + node.path("title").asString(), metrics);
        }
        node.forEach(child -> collect(child, file, out));
    }

    /** Metric names in a PromQL expression: identifiers outside label matchers, strings, ranges and by(...) lists. */
    static Set<String> metricNames(String expr) {
        String e = expr.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"")  // string literals
                .replaceAll("\\{[^}]*}", " ")                           // label matchers
                .replaceAll("\\[[^]]*]", " ")                           // range selectors
                .replaceAll("\\$\\{?[A-Za-z_]+}?", " ")                 // dashboard variables
                .replaceAll("(?i)\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)", " ");
        Set<String> names = new LinkedHashSet<>();
        Matcher m = IDENT.matcher(e);
        while (m.find()) {
            String id = m.group();
            int after = m.end();
            while (after < e.length() && e.charAt(after) == ' ') {
                after++;
            }
            boolean function = after < e.length() && e.charAt(after) == '(';
            boolean number = m.start() > 0 && Character.isDigit(e.charAt(m.start() - 1));
            if (!function && !number && !PROMQL_WORDS.contains(id.toLowerCase())) {
                names.add(id);
            }
        }
        return names;
    }
}
