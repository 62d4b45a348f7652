package com.dataplatform.bench.deploy;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.ci.deploy.CiDeployApplication;
import com.dataplatform.ci.deploy.lifecycle.Cutover;
import com.dataplatform.ci.deploy.lifecycle.VersionRow;
import com.dataplatform.ci.deploy.lifecycle.VersionStore;
import com.dataplatform.testsupport.TestJwts;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ci-deploy-service: (1) cutover of the live views to a new version while readers query them continuously — our
 * one-transaction swap ({@link Cutover#promote}) vs the naive cutover (DROP VIEW each, then CREATE VIEW each, in
 * autocommit), same tables, same readers: time from the start of the swap until a reader sees the new version, and
 * reads that failed or saw a mix of versions; (2) the sample app's full pipeline through the HTTP API (upload →
 * LIVE) split by stage, vs running the same app directly ({@code java -cp <driver> App.java}, no isolation, no
 * tests, no promotion).
 */
public class DeployCutoverBenchmark implements Benchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final List<String> TABLES = List.of("t1", "t2", "t3");
    private static final int READERS = 3;

    @Override
    public String name() {
        return "ci-deploy-service: atomic cutover under readers, pipeline by stage";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int promotions = ctx.size(3, 25);
        int pipelines = ctx.size(1, 3);
        Path workDir = Files.createTempDirectory("ci-deploy-bench");
        try (ConfigurableApplicationContext node = startNode(ctx, workDir)) {
            List<Result> results = new ArrayList<>(cutovers(ctx, node, promotions));
            results.addAll(pipeline(ctx, node, pipelines));
            return results;
        }
    }

    private static ConfigurableApplicationContext startNode(BenchContext ctx, Path workDir) {
        var pg = ctx.postgres();
        // every setting as an argument: the bench classpath holds several services' application.yml files
        String[] args = {"--spring.application.name=ci-deploy-service", "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password(),
                "--spring.datasource.hikari.schema=ci_deploy", "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.flyway.schemas=ci_deploy", "--spring.flyway.default-schema=ci_deploy",
                "--spring.flyway.locations=classpath:db/ci_deploy/migration",
                "--spring.jpa.properties.hibernate.default_schema=ci_deploy",
                "--spring.kafka.bootstrap-servers=" + ctx.kafkaBootstrap(),
                "--spring.kafka.consumer.group-id=ci-deploy-service",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "--server.port=0", "--suite.lake.enabled=true", "--suite.http.max-body-size=20MB",
                "--spring.servlet.multipart.max-file-size=20MB", "--spring.servlet.multipart.max-request-size=20MB",
                "--ci-deploy.work-dir=" + workDir, "--logging.level.root=WARN"};
        return new SpringApplicationBuilder(CiDeployApplication.class).run(args);
    }

    // ---- (1) cutover under readers -------------------------------------------------------------------------

    /** What readers saw while one cutover strategy ran. */
    record ReaderStats(long reads, long failed, long mixed) {
    }

    private List<Result> cutovers(BenchContext ctx, ConfigurableApplicationContext node, int n) throws Exception {
        var pg = ctx.postgres();
        String org = "b" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String app = "bench-" + org;
        String sql = app.replace('-', '_');
        String live = "app_" + sql;
        String naive = "naive_" + sql;
        VersionStore store = node.getBean(VersionStore.class);
        Cutover cutover = node.getBean(Cutover.class);
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("insert into ci_deploy.app (name, org) values ('" + app + "', '" + org + "')");
            st.execute("create schema " + naive);
            for (int v = 1; v <= n; v++) {
                String schema = live + "_v" + v;
                st.execute("create schema " + schema);
                for (String t : TABLES) {
                    st.execute("create table " + schema + "." + t + " as select " + v
                            + " as version, g as k, md5(g::text) as payload from generate_series(1, 1000) g");
                }
            }
            // version 1 is live for both before the measured cutovers start
            candidate(ctx, app, live, 1);
            cutover.promote(store.find(app, 1).orElseThrow(), TABLES);
            for (String t : TABLES) {
                st.execute("create view " + naive + "." + t + " as select * from " + live + "_v1." + t);
            }
        }

        long[] oursMs = new long[n - 1];
        long[] swapMs = new long[n - 1];
        int[] attempts = new int[n - 1];
        ReaderStats ours = underReaders(ctx, live, () -> {
            for (int v = 2; v <= n; v++) {
                candidate(ctx, app, live, v);
                long t0 = System.nanoTime();
                Cutover.Result r = cutover.promote(store.find(app, v).orElseThrow(), TABLES);
                swapMs[v - 2] = r.millis();
                attempts[v - 2] = r.attempts();
                awaitVisible(ctx, live, v);
                oursMs[v - 2] = (System.nanoTime() - t0) / 1_000_000;
            }
        });
        long[] naiveMs = new long[n - 1];
        long[] naiveSwapMs = new long[n - 1];
        ReaderStats base = underReaders(ctx, naive, () -> {
            try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                    Statement st = c.createStatement()) {
                for (int v = 2; v <= n; v++) {
                    long t0 = System.nanoTime();
                    for (String t : TABLES) {
                        st.execute("drop view " + naive + "." + t);
                    }
                    for (String t : TABLES) {
                        st.execute("create view " + naive + "." + t + " as select * from " + live + "_v" + v + "." + t);
                    }
                    naiveSwapMs[v - 2] = (System.nanoTime() - t0) / 1_000_000;
                    awaitVisible(ctx, naive, v);
                    naiveMs[v - 2] = (System.nanoTime() - t0) / 1_000_000;
                }
            }
        });
        String size = (n - 1) + " promotions, 3 views × 1000 rows, " + READERS + " readers looping";
        String baselineName = "naive cutover: DROP VIEW ×3 then CREATE VIEW ×3, autocommit";
        System.out.printf("ci-deploy cutover: swap transaction ms %s, attempts %s%n", Arrays.toString(swapMs),
                Arrays.toString(attempts));
        System.out.printf("ci-deploy cutover: ours %s reads %d failed %d mixed %d | naive %s reads %d failed %d "
                + "mixed %d%n", Arrays.toString(oursMs), ours.reads(), ours.failed(), ours.mixed(),
                Arrays.toString(naiveMs), base.reads(), base.failed(), base.mixed());
        String reads = " (failed/mixed reads: naive " + base.failed() + "/" + base.mixed() + " of "
                + (base.reads() + base.failed()) + ", ours " + ours.failed() + "/" + ours.mixed() + " of "
                + (ours.reads() + ours.failed()) + ")";
        return List.of(
                new Result("cutover time p50, " + size, baselineName, percentile(naiveMs, 50), percentile(oursMs, 50),
                        "ms", false),
                new Result("cutover time max, " + size, baselineName, max(naiveMs), max(oursMs), "ms", false),
                new Result("swap statements p50 (ours: the one transaction, after preparing columns/counts), " + size,
                        baselineName, Math.max(1, percentile(naiveSwapMs, 50)), Math.max(1, percentile(swapMs, 50)),
                        "ms", false),
                new Result("reads that succeeded and saw one version" + reads, baselineName, cleanShare(base),
                        cleanShare(ours), "%", true));
    }

    /** Share of reads that returned without error and saw a single version, in percent. */
    private static double cleanShare(ReaderStats s) {
        long all = s.reads() + s.failed();
        return all == 0 ? 0 : 100.0 * (s.reads() - s.mixed()) / all;
    }

    /** The version row of a candidate that passed its tests (one in flight per app, so inserted just in time). */
    private static void candidate(BenchContext ctx, String app, String live, int v) throws SQLException {
        var pg = ctx.postgres();
        String schema = live + "_v" + v;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("insert into ci_deploy.app_version (app, version, status, bundle_sha256, descriptor, "
                    + "schema_name, role_name, runtime, instance) values ('" + app + "', " + v + ", 'TESTING', "
                    + "'bench', 'bench', '" + schema + "', '" + schema + "', 'process', 'bench')");
        }
    }

    interface Work {
        void run() throws Exception;
    }

    private static ReaderStats underReaders(BenchContext ctx, String schema, Work work) throws Exception {
        var pg = ctx.postgres();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicLong reads = new AtomicLong();
        AtomicLong failed = new AtomicLong();
        AtomicLong mixed = new AtomicLong();
        List<Thread> threads = new ArrayList<>();
        String query = "select (select min(version) from " + schema + ".t1), (select max(version) from " + schema
                + ".t2), (select max(version) from " + schema + ".t3), (select count(*) from " + schema + ".t1)";
        for (int i = 0; i < READERS; i++) {
            Thread t = new Thread(() -> {
                try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                        Statement st = c.createStatement()) {
                    while (!stop.get()) {
                        try (ResultSet rs = st.executeQuery(query)) {
                            rs.next();
                            int a = rs.getInt(1);
                            if (a != rs.getInt(2) || a != rs.getInt(3)) {
                                mixed.incrementAndGet();
                            }
                            reads.incrementAndGet();
                        } catch (SQLException e) {
                            failed.incrementAndGet();
                        }
                    }
                } catch (SQLException e) {
                    throw new IllegalStateException(e);
                }
            }, "bench-reader-" + i);
            t.start();
            threads.add(t);
        }
        try {
            Thread.sleep(200);
            work.run();
        } finally {
            stop.set(true);
            for (Thread t : threads) {
                t.join(10_000);
            }
        }
        return new ReaderStats(reads.get(), failed.get(), mixed.get());
    }

    private static void awaitVisible(BenchContext ctx, String schema, int version) throws Exception {
        var pg = ctx.postgres();
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = st.executeQuery("select min(version) from " + schema + ".t1")) {
                    if (rs.next() && rs.getInt(1) == version) {
                        return;
                    }
                } catch (SQLException e) {
                    // the naive cutover's gap: not visible yet
                }
            }
            throw new IllegalStateException(schema + " never showed version " + version);
        }
    }

    // ---- (2) the sample app's pipeline by stage ------------------------------------------------------------

    private List<Result> pipeline(BenchContext ctx, ConfigurableApplicationContext node, int versions)
            throws Exception {
        var pg = ctx.postgres();
        int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
        String org = "p" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        String app = "bench-" + org;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("create schema lake_" + org);
            st.execute("create table lake_" + org + ".sales as select date '2026-01-01' + (g % 30) as day, "
                    + "(g % 97)::numeric as amount from generate_series(1, 100000) g");
        }
        String token = TestJwts.token(org, "admin");
        send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/apps"))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"" + app + "\"}")).build());
        Map<String, Double> stageMs = new LinkedHashMap<>();
        double totalMs = 0;
        for (int v = 1; v <= versions; v++) {
            long t0 = System.nanoTime();
            HttpResponse<String> r = upload(port, token, app, bundle(app, org));
            if (r.statusCode() != 202) {
                throw new IllegalStateException("upload failed: " + r.body());
            }
            int version = JSON.readTree(r.body()).get("version").asInt();
            JsonNode details = awaitLive(port, token, app, version);
            totalMs += (System.nanoTime() - t0) / 1e6;
            for (JsonNode s : details.get("stages")) {
                stageMs.merge(s.get("stage").asString(), s.get("millis").asDouble(), Double::sum);
            }
        }
        double bare = bareRun(ctx, org);
        String baselineName = "bare run: java -cp <driver> App.java as superuser (no isolation, tests, promotion)";
        StringBuilder split = new StringBuilder();
        stageMs.forEach((stage, ms) -> split.append(split.isEmpty() ? "" : ", ").append(stage).append(' ')
                .append(Math.round(ms / versions)).append(" ms"));
        return List.of(
                new Result("sample app upload → LIVE, mean of " + versions + " version(s), 100k sales rows ("
                        + split + ")", baselineName, bare, totalMs / versions, "ms", false),
                new Result("sample app RUNNING stage (own role, env, cgroup, log capture)", baselineName, bare,
                        stageMs.getOrDefault("RUNNING", 0.0) / versions, "ms", false));
    }

    private static double bareRun(BenchContext ctx, String org) throws Exception {
        var pg = ctx.postgres();
        Path dir = Files.createTempDirectory("ci-deploy-bare");
        Files.writeString(dir.resolve("App.java"), SampleApp.SOURCE);
        Files.writeString(dir.resolve("app.properties"), "input=lake_" + org + ".sales\nvariant=ok\n");
        String schema = "bare_" + org;
        try (Connection c = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
                Statement st = c.createStatement()) {
            st.execute("create schema " + schema);
        }
        String driver = Path.of(Class.forName("org.postgresql.Driver").getProtectionDomain().getCodeSource()
                .getLocation().toURI()).toString();
        ProcessBuilder pb = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", driver, "App.java").directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("out.log").toFile());
        String url = pg.jdbcUrl().replaceAll("[?&](user|password)=[^&]*", "");
        pb.environment().putAll(Map.of("DB_URL", url, "DB_USER", pg.username(), "DB_PASSWORD", pg.password(),
                "APP_SCHEMA", schema, "APP_VERSION", "1", "JAVA_TOOL_OPTIONS",
                "-Xmx192m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"));
        long t0 = System.nanoTime();
        Process p = pb.start();
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("bare run failed: " + Files.readString(dir.resolve("out.log")));
        }
        return (System.nanoTime() - t0) / 1e6;
    }

    private static JsonNode awaitLive(int port, String token, String app, int version) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (System.nanoTime() < deadline) {
            HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create("http://localhost:" + port
                    + "/api/apps/" + app + "/versions/" + version)).header("Authorization", "Bearer " + token).build());
            JsonNode v = JSON.readTree(r.body());
            String status = v.get("status").asString();
            if (status.equals("LIVE")) {
                return v;
            }
            if (status.equals("FAILED")) {
                throw new IllegalStateException("pipeline failed: " + v);
            }
            Thread.sleep(50);
        }
        throw new IllegalStateException(app + " v" + version + " not live in time");
    }

    private static byte[] bundle(String app, String org) throws Exception {
        Map<String, String> files = new LinkedHashMap<>();
        files.put("App.java", SampleApp.SOURCE);
        files.put("app.properties", "input=lake_" + org + ".sales\nvariant=ok\n");
        files.put("app.yaml", SampleApp.YAML.replace("${name}", app));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(bytes))) {
            for (Map.Entry<String, String> f : files.entrySet()) {
                byte[] content = f.getValue().getBytes(StandardCharsets.UTF_8);
                TarArchiveEntry e = new TarArchiveEntry(f.getKey());
                e.setSize(content.length);
                tar.putArchiveEntry(e);
                tar.write(content);
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static HttpResponse<String> upload(int port, String token, String app, byte[] bundle) throws Exception {
        String boundary = "----b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"bundle\"; filename=\"app.tar.gz\""
                + "\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(bundle);
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return send(HttpRequest.newBuilder(URI.create("http://localhost:" + port + "/api/apps/" + app + "/versions"))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build());
    }

    private static HttpResponse<String> send(HttpRequest request) throws Exception {
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static double percentile(long[] values, int p) {
        long[] sorted = values.clone();
        Arrays.sort(sorted);
        return sorted[Math.min(sorted.length - 1, (int) Math.ceil(p / 100.0 * sorted.length) - 1)];
    }

    private static double max(long[] values) {
        return Arrays.stream(values).max().orElse(0);
    }
}
