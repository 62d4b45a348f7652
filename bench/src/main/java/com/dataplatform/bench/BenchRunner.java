package com.dataplatform.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AssignableTypeFilter;

/** Finds every {@link Benchmark}, runs it, prints one markdown table per benchmark. */
public final class BenchRunner {

    private BenchRunner() {
    }

    public static List<Benchmark> discover() {
        ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
        scanner.addIncludeFilter(new AssignableTypeFilter(Benchmark.class));
        List<Benchmark> found = new ArrayList<>();
        for (BeanDefinition bd : scanner.findCandidateComponents("com.dataplatform.bench")) {
            try {
                found.add((Benchmark) Class.forName(bd.getBeanClassName()).getDeclaredConstructor().newInstance());
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException("cannot create benchmark " + bd.getBeanClassName(), e);
            }
        }
        found.sort(Comparator.comparing(Benchmark::name));
        return found;
    }

    /**
     * Runs the benchmarks whose name or class name contains {@code filter} (all if blank); returns the markdown
     * report.
     */
    /** Whether the benchmark's name or class name contains {@code filter} (every benchmark if blank). */
    public static boolean matches(Benchmark b, String filter) {
        return filter == null || filter.isBlank() || b.name().contains(filter)
                || b.getClass().getSimpleName().contains(filter);
    }

    public static String runAll(BenchContext context, String filter) throws Exception {
        StringBuilder report = new StringBuilder("# Benchmark results\n\nSettings: ");
        Map<String, String> settings = context.settings();
        report.append(settings).append("\n");
        for (Benchmark b : discover()) {
            if (!matches(b, filter)) {
                continue;
            }
            long start = System.nanoTime();
            List<Result> results = b.run(context);
            report.append("\n## ").append(b.name()).append(String.format(Locale.ROOT, " (%.1f s)%n%n",
                    (System.nanoTime() - start) / 1e9));
            report.append(table(results));
        }
        return report.toString();
    }

    public static String table(List<Result> results) {
        StringBuilder t = new StringBuilder("| scenario | baseline | baseline | ours | ratio (>1 = ours better) |\n")
                .append("|---|---|---:|---:|---:|\n");
        for (Result r : results) {
            t.append(String.format(Locale.ROOT, "| %s | %s | %s %s | %s %s | %.2f× |%n", r.scenario(), r.baselineName(),
                    fmt(r.baseline()), r.unit(), fmt(r.ours()), r.unit(), r.ratio()));
        }
        return t.toString();
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    public static void main(String[] args) throws Exception {
        boolean smoke = args.length > 0 && args[0].equals("smoke");
        String filter = args.length > 1 ? args[1] : "";
        String report = runAll(new BenchContext(smoke), filter);
        System.out.println(report);
        write(Path.of("bench/target/bench-results.md"), report);
    }

    static void write(Path file, String report) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, report);
    }
}
