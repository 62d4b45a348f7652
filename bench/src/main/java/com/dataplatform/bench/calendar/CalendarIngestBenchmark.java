package com.dataplatform.bench.calendar;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import com.dataplatform.calendar.sync.CalendarSyncApplication;
import com.dataplatform.calendar.sync.convert.ICalendarConverter;
import com.dataplatform.calendar.sync.occurrences.Expansion;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import com.dataplatform.testsupport.TestJwts;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import net.fortuna.ical4j.data.CalendarBuilder;
import net.fortuna.ical4j.model.Calendar;
import net.fortuna.ical4j.model.Period;
import net.fortuna.ical4j.model.component.VEvent;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.json.JsonMapper;

/**
 * calendar-sync: (1) iCalendar events normalised and stored per second end to end — HTTP push of text/calendar
 * payloads (50 VEVENTs each: zoned, recurring with EXDATE, all-day, attendees) through conversion, cleansing, dedupe
 * lookup, raw + unified copies, lineage and the events outbox in PostgreSQL — vs plain ical4j parsing
 * ({@code CalendarBuilder.build}, one thread) of the same payloads in the same run (issue target ≥ 0.5×). Both
 * sides warm up on the same rounds, alternate which goes first, and report the median round;
 * (2) occurrence expansion of a 10-year daily series in Europe/Berlin: our {@code Expansion.expand} (capped, with
 * EXDATEs/overrides) vs ical4j's own {@code VEvent.calculateRecurrenceSet} over the same period.
 */
public class CalendarIngestBenchmark implements Benchmark {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final String ORG = "benchcal";
    private static final int PER_PAYLOAD = 50;

    @Override
    public String name() {
        return "calendar-sync: iCalendar ingestion vs ical4j parse; 10-year daily expansion vs ical4j";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int events = Integer.getInteger("bench.calendar.events", ctx.size(500, 10_000));
        int warmups = ctx.size(2, 2);
        int rounds = ctx.size(3, 5);
        int perPayload = Integer.getInteger("bench.calendar.per-payload", PER_PAYLOAD);
        int clients = Integer.getInteger("bench.calendar.clients", 1);

        List<Double> parseRates = new ArrayList<>();
        List<Double> ingestRates = new ArrayList<>();
        List<Double> convertRates = new ArrayList<>();
        try (ConfigurableApplicationContext node = startNode(ctx)) {
            int port = Integer.parseInt(node.getEnvironment().getProperty("local.server.port"));
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            String base = "http://localhost:" + port;
            String token = TestJwts.bearer(ORG, "admin"); // a client signs in once, not per request
            String system = createSystem(http, base, token);
            MeterRegistry meters = node.getBean(MeterRegistry.class);
            Map<String, double[]> stagesBefore = null;
            var pg = ctx.postgres();
            ExecutorService pool = Executors.newFixedThreadPool(clients);
            try (Connection db = DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password())) {
                // every round gets fresh UIDs (ingestion inserts, never merges); both sides see the same payloads,
                // warm up on the same number of rounds, and alternate which goes first; the outbox relay's Kafka
                // sends are drained between timed sections so neither side is measured while it runs
                for (int r = -warmups; r < rounds; r++) {
                    if (r == 0) {
                        stagesBefore = stages(meters);
                    }
                    List<String> payloads = payloads(events, perPayload, new Random(1000L + r));
                    boolean parseFirst = Math.floorMod(r, 2) == 0;
                    double parse = 0;
                    double ingest = 0;
                    for (int side = 0; side < 2; side++) {
                        if ((side == 0) == parseFirst) {
                            long t0 = System.nanoTime();
                            int parsed = inParallel(pool, clients, payloads, CalendarIngestBenchmark::parse);
                            parse = parsed / ((System.nanoTime() - t0) / 1e9);
                        } else {
                            long t0 = System.nanoTime();
                            inParallel(pool, clients, payloads, p -> post(http, base, system, token, p));
                            ingest = events / ((System.nanoTime() - t0) / 1e9);
                            awaitOutboxDrained(db);
                        }
                    }
                    long t0 = System.nanoTime();
                    inParallel(pool, clients, payloads, p -> ICalendarConverter.convert(p, ZoneId.of("UTC")).events().size());
                    double convert = events / ((System.nanoTime() - t0) / 1e9);
                    if (r >= 0) {
                        parseRates.add(parse);
                        ingestRates.add(ingest);
                        convertRates.add(convert);
                    }
                }
                Map<String, double[]> after = stages(meters);
                Map<String, double[]> before = stagesBefore;
                StringBuilder line = new StringBuilder("calendar: server ms per payload by stage (measured rounds):");
                after.forEach((stage, v) -> {
                    double[] b = before.get(stage);
                    double n = v[0] - b[0];
                    line.append(String.format(" %s %.1f", stage, n == 0 ? 0 : (v[1] - b[1]) / n));
                });
                System.out.println(line);
            } finally {
                pool.shutdownNow();
            }
        }
        double parseRate = median(parseRates);
        double ingestRate = median(ingestRates);
        System.out.printf("calendar: %d per payload, %d client(s): ingest rounds %s events/s, ical4j parse rounds %s events/s,"
                + " our conversion alone %s events/s%n", perPayload, clients, rounded(ingestRates), rounded(parseRates),
                rounded(convertRates));

        // 10-year daily series expansion
        int reps = ctx.size(9, 30);
        String series = ("BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:bench\nBEGIN:VEVENT\nUID:daily@bench\nDTSTAMP:20200101T000000Z\n"
                + "DTSTART;TZID=Europe/Berlin:20200101T090000\nDTEND;TZID=Europe/Berlin:20200101T091500\n"
                + "RRULE:FREQ=DAILY;UNTIL=20291231T235959Z\nEXDATE;TZID=Europe/Berlin:20250101T090000\n"
                + "SUMMARY:Standup\nEND:VEVENT\nEND:VCALENDAR\n").replace("\n", "\r\n");
        UnifiedEvent unified = ICalendarConverter.convert(series, ZoneId.of("UTC")).events().get(0).event();
        VEvent vevent = new CalendarBuilder().build(new StringReader(series)).<VEvent>getComponent("VEVENT").orElseThrow();
        Instant from = Instant.parse("2020-01-01T00:00:00Z");
        Instant to = Instant.parse("2030-01-01T00:00:00Z");
        Period<ZonedDateTime> period = new Period<>(from.atZone(ZoneId.of("Europe/Berlin")), to.atZone(ZoneId.of("Europe/Berlin")));
        double[] ours = new double[reps];
        double[] theirs = new double[reps];
        int ourCount = 0;
        int theirCount = 0;
        for (int i = -2; i < reps; i++) { // two warm-up rounds
            long a = System.nanoTime();
            ourCount = Expansion.expand(unified, from, to, 10_000).occurrences().size();
            long b = System.nanoTime();
            theirCount = vevent.<ZonedDateTime>calculateRecurrenceSet(period).size();
            long c = System.nanoTime();
            if (i >= 0) {
                ours[i] = (b - a) / 1e6;
                theirs[i] = (c - b) / 1e6;
            }
        }
        Arrays.sort(ours);
        Arrays.sort(theirs);
        System.out.printf("calendar: ingest %.0f events/s vs ical4j parse %.0f events/s = %.2fx (target >= 0.5); "
                + "10-year daily expansion %d occurrences in %.1f ms (ical4j %d in %.1f ms)%n",
                ingestRate, parseRate, ingestRate / parseRate, ourCount, ours[reps / 2], theirCount, theirs[reps / 2]);
        return List.of(
                new Result(String.format("%,d iCalendar events (%d per payload) normalised + stored end to end, %d client(s),"
                        + " median of %d rounds", events, perPayload, clients, rounds),
                        String.format("plain ical4j 4.4 CalendarBuilder parse of the same payloads, %d thread(s), same JVM"
                                + " and warm-up", clients),
                        parseRate, ingestRate, "events/s", true),
                new Result(String.format("10-year daily series (Europe/Berlin, 1 EXDATE), %,d occurrences, median", ourCount),
                        "ical4j VEvent.calculateRecurrenceSet over the same period", theirs[reps / 2], ours[reps / 2],
                        "ms", false));
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    private static List<Long> rounded(List<Double> values) {
        return values.stream().map(Math::round).toList();
    }

    private static void awaitOutboxDrained(Connection db) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        try (PreparedStatement q = db.prepareStatement("select count(*) from calendar_sync.outbox")) {
            while (System.nanoTime() < deadline) {
                try (ResultSet rs = q.executeQuery()) {
                    rs.next();
                    if (rs.getLong(1) == 0) {
                        return;
                    }
                }
                Thread.sleep(50);
            }
        }
        throw new IllegalStateException("calendar.events outbox not drained within 2 minutes");
    }

    private static int parse(String payload) throws Exception {
        Calendar c = new CalendarBuilder().build(new StringReader(payload));
        return c.getComponents("VEVENT").size();
    }

    interface PayloadWork {
        int apply(String payload) throws Exception;
    }

    /** Client i of n takes payloads i, i + n, ...; returns the sum of the work's counts. */
    private static int inParallel(ExecutorService pool, int n, List<String> payloads, PayloadWork work) throws Exception {
        List<Future<Integer>> futures = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int first = i;
            futures.add(pool.submit(() -> {
                int count = 0;
                for (int j = first; j < payloads.size(); j += n) {
                    count += work.apply(payloads.get(j));
                }
                return count;
            }));
        }
        int total = 0;
        for (Future<Integer> f : futures) {
            total += f.get();
        }
        return total;
    }

    /** count and total ms of every calendar.ingest.stage timer. */
    private static Map<String, double[]> stages(MeterRegistry meters) {
        Map<String, double[]> out = new java.util.LinkedHashMap<>();
        for (Timer t : meters.find("calendar.ingest.stage").timers()) {
            out.put(t.getId().getTag("stage"), new double[] {t.count(), t.totalTime(TimeUnit.MILLISECONDS)});
        }
        return out;
    }

    static List<String> payloads(int events, int perPayload, Random random) {
        DateTimeFormatter local = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss");
        String[] zones = {"Europe/Berlin", "America/New_York", "Asia/Tokyo", "UTC"};
        List<String> out = new ArrayList<>();
        StringBuilder b = null;
        for (int i = 0; i < events; i++) {
            if (i % perPayload == 0) {
                if (b != null) {
                    out.add(b.append("END:VCALENDAR\r\n").toString());
                }
                b = new StringBuilder("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//bench//EN\r\n");
            }
            String zone = zones[random.nextInt(zones.length)];
            LocalDateTime start = LocalDateTime.of(2026, 1, 1, 8, 0).plusDays(random.nextInt(365)).plusMinutes(30L * random.nextInt(20));
            String tz = zone.equals("UTC") ? ":" : ";TZID=" + zone + ":";
            String suffix = zone.equals("UTC") ? "Z" : "";
            b.append("BEGIN:VEVENT\r\nUID:").append(UUID.randomUUID()).append("@bench\r\nDTSTAMP:20260101T000000Z\r\n");
            if (i % 10 == 9) {
                b.append("DTSTART;VALUE=DATE:").append(start.toLocalDate().format(DateTimeFormatter.BASIC_ISO_DATE))
                        .append("\r\nDTEND;VALUE=DATE:").append(start.toLocalDate().plusDays(1).format(DateTimeFormatter.BASIC_ISO_DATE))
                        .append("\r\n");
            } else {
                b.append("DTSTART").append(tz).append(start.format(local)).append(suffix).append("\r\n")
                        .append("DTEND").append(tz).append(start.plusMinutes(45).format(local)).append(suffix).append("\r\n");
            }
            if (i % 4 == 0) {
                b.append("RRULE:FREQ=WEEKLY;COUNT=20\r\nEXDATE").append(i % 10 == 9 ? ";VALUE=DATE:"
                        + start.toLocalDate().plusWeeks(2).format(DateTimeFormatter.BASIC_ISO_DATE)
                        : tz + start.plusWeeks(2).format(local) + suffix).append("\r\n");
            }
            b.append("SUMMARY:Meeting ").append(i).append("\r\nORGANIZER:mailto:Owner").append(i % 17)
                    .append("@Example.com\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:a").append(i % 31)
                    .append("@example.com\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:b").append(i % 13)
                    .append("@example.com\r\nEND:VEVENT\r\n");
        }
        if (b != null) {
            out.add(b.append("END:VCALENDAR\r\n").toString());
        }
        return out;
    }

    private static String createSystem(HttpClient http, String base, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/systems"))
                .header("Authorization", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"type\":\"caldav\",\"name\":\"bench-" + UUID.randomUUID()
                        + "\",\"master\":false,\"baseUrl\":\"http://127.0.0.1:9/bench/\"}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 201) {
            throw new IllegalStateException("create system: " + r.statusCode() + " " + r.body());
        }
        return JSON.readTree(r.body()).path("id").asString();
    }

    private static int post(HttpClient http, String base, String system, String token, String payload) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + "/api/systems/" + system + "/events"))
                .header("Authorization", token).header("Content-Type", "text/calendar")
                .POST(HttpRequest.BodyPublishers.ofString(payload)).build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("push: " + r.statusCode() + " " + r.body());
        }
        return 0;
    }

    private static ConfigurableApplicationContext startNode(BenchContext ctx) {
        var pg = ctx.postgres();
        // every setting as an argument: the bench classpath holds several services' application.yml files
        String[] args = {"--spring.application.name=calendar-sync", "--spring.datasource.url=" + pg.jdbcUrl(),
                "--spring.datasource.username=" + pg.username(), "--spring.datasource.password=" + pg.password(),
                "--spring.datasource.hikari.schema=calendar_sync", "--spring.datasource.hikari.maximum-pool-size=10",
                "--spring.flyway.schemas=calendar_sync", "--spring.flyway.default-schema=calendar_sync",
                "--spring.flyway.locations=classpath:db/calendar_sync/migration",
                "--spring.jpa.properties.hibernate.default_schema=calendar_sync",
                "--spring.kafka.bootstrap-servers=" + ctx.kafkaBootstrap(),
                "--spring.kafka.consumer.group-id=calendar-sync", "--spring.kafka.consumer.auto-offset-reset=earliest",
                "--spring.security.oauth2.resourceserver.jwt.public-key-location=file:"
                        + TestJwts.publicKeyPem().toAbsolutePath(),
                "--suite.outbound.allowlist=127.0.0.0/8", "--suite.http.max-body-size=5MB",
                "--calendar.default-time-zone=UTC", "--server.port=0", "--suite.lake.enabled=false",
                "--logging.level.root=WARN"};
        return new SpringApplicationBuilder(CalendarSyncApplication.class).run(args);
    }
}
