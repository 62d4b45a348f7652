package com.dataplatform.bench.embed;

import com.dataplatform.analytics.embed.AnalyticsEmbedApplication;
import com.dataplatform.analytics.embed.data.ResultCache;
import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.testsupport.TestJwts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * analytics-embed: a page with three areas (bar, table, kpi over one lake table) rendered through a signed token
 * under concurrent load, warm (cached query results) vs a static file ({@code /assets/embed.css}, Spring's resource
 * handler) served by the same app in the same run with the same client; then cold renders (cache invalidated before
 * each, so all three lake queries run) vs the warm render.
 */
public class EmbedRenderBenchmark implements Benchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ORG = "benchembed";

    @Override
    public String name() {
        return "analytics-embed: page render (3 areas) vs static file";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int rows = ctx.size(2_000, 200_000);
        int clients = ctx.size(4, 16);
        Duration warmup = Duration.ofMillis(ctx.size(500, 5_000));
        Duration measure = Duration.ofMillis(ctx.size(1_500, 20_000));
        int colds = ctx.size(10, 100);
        try (ConfigurableApplicationContext node = startNode(ctx)) {
            int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
            seed(ctx, rows);
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://localhost:" + port;
            String pageUrl = setUpPage(http, base);
            String staticUrl = base + "/assets/embed.css";

            log(jvmSettings());
            load(http, staticUrl, clients, warmup);
            Load baseline = load(http, staticUrl, clients, measure);
            log("static " + baseline);
            load(http, pageUrl, clients, warmup);
            Load warm;
            try (Profile profile = Profile.start("warm-page")) {
                warm = load(http, pageUrl, clients, measure);
            }
            log("page   " + warm);

            // latency at a fixed offered load (open loop, wrk2-style): half the page's closed-loop capacity just
            // measured, the same rate for the static file; each latency counts from the request's scheduled time
            double rate = Math.max(10, Math.floor(warm.throughput() / 2));
            paced(http, staticUrl, rate, warmup);
            Paced staticPaced = paced(http, staticUrl, rate, measure);
            log("static paced " + staticPaced);
            paced(http, pageUrl, rate, warmup);
            Paced pagePaced = paced(http, pageUrl, rate, measure);
            log("page   paced " + pagePaced);

            ResultCache cache = node.getBean(ResultCache.class);
            double[] cold = new double[colds];
            double[] warmSingle = new double[colds];
            for (int i = 0; i < colds; i++) {
                cache.invalidate(ResultCache.dataset(ORG, "sales"));
                cold[i] = timeOne(http, pageUrl);
                warmSingle[i] = timeOne(http, pageUrl);
            }
            Arrays.sort(cold);
            Arrays.sort(warmSingle);

            String staticName = "static file /assets/embed.css, same app, " + clients + " clients";
            String scenario = String.format("page with 3 areas over %,d lake rows, %d clients", rows, clients);
            log(String.format("warm p99 %.2f ms at %.0f req/s offered (half the capacity; target < 50), closed-loop"
                    + " p99 %.2f ms at %d clients, throughput %.2fx static (target >= 0.3)", pagePaced.p99(), rate,
                    warm.p99(), clients, warm.throughput() / baseline.throughput()));
            log(String.format("1 client: warm p50 %.1f / p99 %.1f ms, cold after invalidation p50 %.1f / p99 %.1f ms",
                    pct(warmSingle, 50), pct(warmSingle, 99), pct(cold, 50), pct(cold, 99)));
            return List.of(
                    new Result(scenario + ": warm renders/s", staticName, baseline.throughput(), warm.throughput(),
                            "req/s", true),
                    new Result(scenario + ": warm p50 (closed loop, saturated)", staticName, baseline.p50(),
                            warm.p50(), "ms", false),
                    new Result(scenario + ": warm p99 (closed loop, saturated)", staticName, baseline.p99(),
                            warm.p99(), "ms", false),
                    new Result(String.format("page with 3 areas, %.0f req/s offered (open loop, half the page's "
                            + "capacity): warm p50", rate), "static file at the same rate", staticPaced.p50(),
                            pagePaced.p50(), "ms", false),
                    new Result(String.format("page with 3 areas, %.0f req/s offered (open loop, half the page's "
                            + "capacity): warm p99", rate), "static file at the same rate", staticPaced.p99(),
                            pagePaced.p99(), "ms", false),
                    new Result(scenario + ": JVM CPU per request (server + client)", staticName,
                            baseline.cpuMicrosPerRequest(), warm.cpuMicrosPerRequest(), "µs", false),
                    new Result(String.format("cold render after invalidation (3 queries over %,d rows), 1 client, p50",
                            rows), "same page warm, 1 client", pct(warmSingle, 50), pct(cold, 50), "ms", false),
                    new Result(String.format("cold render after invalidation (3 queries over %,d rows), 1 client, p99",
                            rows), "same page warm, 1 client", pct(warmSingle, 99), pct(cold, 99), "ms", false));
        }
    }

    /**
     * Progress and figures on stdout, and appended to {@code -Dbench.embed.out=<file>} if set (bench/target is shared
     * by every benchmark run on the machine, so its report can be overwritten by another run).
     */
    private static void log(String line) {
        String text = "embed: " + line;
        System.out.println(text);
        String out = System.getProperty("bench.embed.out", "");
        if (!out.isBlank()) {
            try {
                java.nio.file.Files.writeString(java.nio.file.Path.of(out), java.time.Instant.now() + " " + text + "\n",
                        java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.APPEND);
            } catch (java.io.IOException e) {
                System.out.println("embed: cannot append to " + out + ": " + e);
            }
        }
    }

    private static ConfigurableApplicationContext startNode(BenchContext ctx) {
        var pg = ctx.postgres();
        // every setting as an argument: the bench classpath holds several services' application.yml files
        String[] args = {"--spring.application.name=analytics-embed", "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password(),
                "--spring.datasource.hikari.schema=analytics_embed", "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.flyway.schemas=analytics_embed", "--spring.flyway.default-schema=analytics_embed",
                "--spring.flyway.locations=classpath:db/analytics_embed/migration",
                "--spring.jpa.properties.hibernate.default_schema=analytics_embed",
                "--spring.kafka.bootstrap-servers=" + ctx.kafkaBootstrap(),
                "--spring.kafka.consumer.group-id=analytics-embed",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "--analytics-embed.secrets-key=" + com.dataplatform.common.security.SecretSeal.newKey(),
                "--server.port=0", "--suite.lake.enabled=true", "--logging.level.root=WARN"};
        return new SpringApplicationBuilder(AnalyticsEmbedApplication.class).run(args);
    }

    private static void seed(BenchContext ctx, int rows) throws Exception {
        var pg = ctx.postgres();
        String schema = LakeNames.quote(LakeNames.schemaOf(ORG));
        String table = LakeNames.qualifiedTable(ORG, "sales");
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement s = c.createStatement()) {
            s.execute("create schema if not exists " + schema);
            s.execute("grant usage on schema " + schema + " to " + LakeNames.READER_ROLE);
            s.execute("drop table if exists " + table);
            s.execute("create table " + table + " (region text, product text, amount numeric, units bigint)");
            try (PreparedStatement ps = c.prepareStatement("insert into " + table
                    + " select 'region_' || (i % 12), 'product_' || (i % 20), (i % 997) / 10.0, i % 7"
                    + " from generate_series(1, ?) i")) {
                ps.setInt(1, rows);
                ps.executeUpdate();
            }
            s.execute("analyze " + table);
            s.execute("grant select on " + table + " to " + LakeNames.READER_ROLE);
            try (PreparedStatement ps = c.prepareStatement("""
                    insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                    values (?, 'sales', 1, ?, '[]'::jsonb, ?, 'bench')
                    on conflict (org, name) do update set version = lake.datasets.version + 1,
                        row_count = excluded.row_count""")) {
                ps.setString(1, ORG);
                ps.setLong(2, rows);
                ps.setString(3, table);
                ps.executeUpdate();
            }
        }
    }

    /** Creates the page and its three areas through the API; returns the token URL of the page. */
    private static String setUpPage(HttpClient http, String base) throws Exception {
        String slug = "bench-" + Long.toString(System.nanoTime(), 36);
        JsonNode page = post(http, base + "/api/pages", Map.of("slug", slug, "title", "Bench",
                "blocks", List.of(Map.of("type", "markdown", "text", "# Sales\nThree areas.")),
                "allowedOrigins", List.of("https://partner.example")));
        String id = page.path("id").asString();
        post(http, base + "/api/pages/" + id + "/embeds", area("Revenue by region", "region", "sum", "amount", "bar", 0));
        post(http, base + "/api/pages/" + id + "/embeds", area("Units by product", "product", "sum", "units", "table", 6));
        Map<String, Object> kpi = new java.util.LinkedHashMap<>(area("Total", null, "sum", "amount", "kpi", 0));
        kpi.put("position", Map.of("row", 4, "col", 0, "width", 4, "height", 2));
        post(http, base + "/api/pages/" + id + "/embeds", kpi);
        JsonNode token = post(http, base + "/api/pages/" + id + "/tokens", Map.of("ttlSeconds", 3600));
        return base + "/p/" + slug + "?token=" + URLEncoder.encode(token.path("token").asString(), StandardCharsets.UTF_8);
    }

    private static Map<String, Object> area(String title, String group, String fn, String column, String viz, int col) {
        Map<String, Object> query = new java.util.LinkedHashMap<>();
        query.put("groupBy", group == null ? List.of() : List.of(group));
        query.put("metrics", List.of(Map.of("fn", fn, "column", column, "as", "value")));
        Map<String, Object> m = new java.util.LinkedHashMap<>();
        m.put("title", title);
        m.put("dataset", "sales");
        m.put("query", query);
        m.put("visualization", viz);
        m.put("position", Map.of("row", 0, "col", col, "width", 6, "height", 4));
        m.put("allowedFilterColumns", List.of("region"));
        return m;
    }

    private static JsonNode post(HttpClient http, String url, Object body) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Authorization", TestJwts.bearer(ORG, "editor")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException(url + " -> " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body());
    }

    private static double timeOne(HttpClient http, String url) throws Exception {
        long t = System.nanoTime();
        HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
                HttpResponse.BodyHandlers.ofByteArray());
        if (r.statusCode() != 200 || new String(r.body(), StandardCharsets.UTF_8).contains("data-state=\"error\"")) {
            throw new IllegalStateException(url + " -> " + r.statusCode());
        }
        return (System.nanoTime() - t) / 1e6;
    }

    /**
     * Requests per second, latency percentiles, JVM CPU time (server and client threads) per request, and the
     * collections (count, total pause-inclusive time) that ran during the phase.
     */
    private record Load(double throughput, double p50, double p99, double p999, double max,
            double cpuMicrosPerRequest, long gcs, long gcMillis, double loadAverage) {

        @Override
        public String toString() {
            return String.format("%.0f req/s, p50 %.1f / p99 %.1f / p99.9 %.1f / max %.1f ms, %.0f µs CPU/req, "
                    + "%d GCs %d ms, load average %.1f", throughput, p50, p99, p999, max, cpuMicrosPerRequest, gcs,
                    gcMillis, loadAverage);
        }
    }

    /** Heap and collector of this JVM: the server and both clients (static and page) share it. */
    private static String jvmSettings() {
        var mem = java.lang.management.ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        String gcs = java.lang.management.ManagementFactory.getGarbageCollectorMXBeans().stream()
                .map(java.lang.management.GarbageCollectorMXBean::getName).reduce((a, b) -> a + ", " + b).orElse("?");
        return String.format("one JVM for server and clients, max heap %d MB, collectors [%s], %d CPUs",
                mem.getMax() >> 20, gcs, Runtime.getRuntime().availableProcessors());
    }

    private static long[] gcTotals() {
        long count = 0;
        long millis = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] {count, millis};
    }

    /**
     * {@code -Dbench.embed.jfr=<dir>}: a JFR recording (profile settings) of the warm page phase only, written to
     * {@code <dir>/embed-<phase>.jfr}; off by default.
     */
    private record Profile(jdk.jfr.Recording recording, java.nio.file.Path file) implements AutoCloseable {

        static Profile start(String phase) throws Exception {
            String dir = System.getProperty("bench.embed.jfr", "");
            if (dir.isBlank()) {
                return new Profile(null, null);
            }
            var recording = new jdk.jfr.Recording(jdk.jfr.Configuration.getConfiguration("profile"));
            recording.start();
            return new Profile(recording, java.nio.file.Path.of(dir, "embed-" + phase + ".jfr"));
        }

        @Override
        public void close() throws java.io.IOException {
            if (recording != null) {
                recording.stop();
                recording.dump(file);
                recording.close();
                log("JFR recording written to " + file.toAbsolutePath());
            }
        }
    }

    private static long processCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory
                .getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** An open-loop phase: the offered and achieved rate and latency percentiles from each scheduled send time. */
    private record Paced(double offered, double completed, double p50, double p99, double p999, double max,
            int late, double loadAverage) {

        @Override
        public String toString() {
            return String.format("%.0f req/s offered, %.0f completed/s, p50 %.1f / p99 %.1f / p99.9 %.1f / max %.1f ms,"
                    + " %d sends more than 10 ms behind schedule, load average %.1f", offered, completed, p50, p99,
                    p999, max, late, loadAverage);
        }
    }

    /**
     * GETs sent at a fixed rate regardless of how fast answers come (asynchronously, as many in flight as needed),
     * for {@code duration}; a request's latency counts from when it was due, so a stall of the sender counts against
     * the server too (no coordinated omission). Every response must be a 200.
     */
    private static Paced paced(HttpClient http, String url, double rate, Duration duration) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
        long interval = (long) (1e9 / rate);
        long start = System.nanoTime();
        long count = duration.toNanos() / interval;
        List<java.util.concurrent.CompletableFuture<Double>> sent = new ArrayList<>((int) count);
        int late = 0;
        for (long i = 0; i < count; i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(wait);
            } else if (wait < -10_000_000L) {
                late++;
            }
            sent.add(http.sendAsync(req, HttpResponse.BodyHandlers.ofByteArray()).thenApply(r -> {
                if (r.statusCode() != 200) {
                    throw new IllegalStateException(url + " -> " + r.statusCode());
                }
                return (System.nanoTime() - due) / 1e6;
            }));
        }
        double[] sorted = new double[sent.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = sent.get(i).get(60, java.util.concurrent.TimeUnit.SECONDS);
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Arrays.sort(sorted);
        double loadAverage = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new Paced(rate, sorted.length / seconds, pct(sorted, 50), pct(sorted, 99), pct(sorted, 99.9),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], late, loadAverage);
    }

    /** {@code clients} threads issuing GETs back to back for {@code duration}; every response must be a 200. */
    private static Load load(HttpClient http, String url, int clients, Duration duration) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        long end = System.nanoTime() + duration.toNanos();
        long start = System.nanoTime();
        long cpuStart = processCpuNanos();
        long[] gcStart = gcTotals();
        List<Future<double[]>> futures = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            futures.add(pool.submit(() -> {
                double[] lat = new double[1024];
                int n = 0;
                HttpRequest req = HttpRequest.newBuilder(URI.create(url)).GET().build();
                while (System.nanoTime() < end) {
                    long t = System.nanoTime();
                    HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
                    if (r.statusCode() != 200) {
                        throw new IllegalStateException(url + " -> " + r.statusCode());
                    }
                    if (n == lat.length) {
                        lat = Arrays.copyOf(lat, n * 2);
                    }
                    lat[n++] = (System.nanoTime() - t) / 1e6;
                }
                return Arrays.copyOf(lat, n);
            }));
        }
        List<Double> all = new ArrayList<>();
        for (Future<double[]> f : futures) {
            for (double d : f.get()) {
                all.add(d);
            }
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double cpuMicros = (processCpuNanos() - cpuStart) / 1e3;
        long[] gcEnd = gcTotals();
        pool.shutdown();
        double[] sorted = all.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double loadAverage = java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        return new Load(sorted.length / seconds, pct(sorted, 50), pct(sorted, 99), pct(sorted, 99.9),
                sorted.length == 0 ? Double.NaN : sorted[sorted.length - 1], cpuMicros / sorted.length,
                gcEnd[0] - gcStart[0], gcEnd[1] - gcStart[1], loadAverage);
    }

    private static double pct(double[] sorted, double p) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }
}
