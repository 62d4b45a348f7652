package com.dataplatform.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Runs every benchmark: in the default build as a short smoke (it must produce positive figures for both sides),
 * with -Pbench in full, printing the tables and writing bench/target/bench-results.md. {@code -Dbench.filter=<part of
 * a name>} runs only the matching benchmarks.
 */
class BenchmarksTest {

    @Test
    void every_benchmark_measures_both_sides() throws Exception {
        boolean smoke = !"full".equals(System.getProperty("bench.mode", "smoke"));
        BenchContext context = new BenchContext(smoke);
        StringBuilder report = new StringBuilder("# Benchmark results\n\nSettings: " + context.settings() + "\n");
        String filter = System.getProperty("bench.filter", "");
        List<Benchmark> benchmarks = BenchRunner.discover().stream().filter(b -> BenchRunner.matches(b, filter))
                .toList();
        assertThat(benchmarks).as("benchmarks matching '" + filter + "'").isNotEmpty();
        for (Benchmark b : benchmarks) {
            List<Result> results = b.run(context);
            assertThat(results).as(b.name()).isNotEmpty();
            for (Result r : results) {
                assertThat(r.baseline()).as(b.name() + " / " + r.scenario() + " baseline").isPositive();
                assertThat(r.ours()).as(b.name() + " / " + r.scenario() + " ours").isPositive();
            }
            report.append("\n## ").append(b.name()).append("\n\n").append(BenchRunner.table(results));
        }
        System.out.println(report);
        BenchRunner.write(Path.of(System.getProperty("bench.output", "target/bench-results.md")), report.toString());
    }
}
