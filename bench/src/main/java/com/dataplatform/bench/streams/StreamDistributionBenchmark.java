package com.dataplatform.bench.streams;

import com.dataplatform.bench.BenchContext;
import com.dataplatform.bench.Benchmark;
import com.dataplatform.bench.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * stream-distributor (issue 4): failover time, kill → every orphaned stream delivering again, p50/p99 with default
 * settings (lease 3 s, poll 1 s) against a KIP-848 consumer group resuming a SIGKILLed member's partitions with
 * default settings; and one node's delivery throughput against a raw consume→produce loop.
 */
public class StreamDistributionBenchmark implements Benchmark {

    private static final String KIP848 = "KIP-848 group (group.protocol=consumer, all defaults: broker session "
            + "timeout 45 s), member SIGKILLed, 6 partitions";

    @Override
    public String name() {
        return "stream-distributor: failover and delivery";
    }

    @Override
    public List<Result> run(BenchContext ctx) throws Exception {
        int trials = ctx.size(2, 20);
        int streams = 8;
        List<Result> results = new ArrayList<>();
        try (BenchCluster cluster = new BenchCluster(ctx)) {
            List<Double> baseline;
            List<Double> ours;
            // The baseline's kill happens first; its 45 s session timeout runs while our trials do.
            try (Kip848Baseline kip848 = new Kip848Baseline(cluster, ctx.kafkaBootstrap(), trials)) {
                kip848.kill();
                ours = FailoverTrials.run(cluster, trials, streams);
                baseline = kip848.await(Duration.ofMinutes(3));
            }
            String scenario = "failover, kill 1 of 2 nodes (" + streams / 2 + " orphaned webhook streams), " + trials
                    + " trials";
            results.add(new Result(scenario + ", p50", KIP848, percentile(baseline, 50), percentile(ours, 50), "ms",
                    false));
            results.add(new Result(scenario + ", p99", KIP848, percentile(baseline, 99), percentile(ours, 99), "ms",
                    false));
            System.out.println("stream-distributor failover ms, ours: " + ours + " KIP-848: " + baseline);
            int records = ctx.size(5_000, 200_000);
            double[] throughput = ThroughputRun.run(cluster, ctx.kafkaBootstrap(), records);
            results.add(new Result("delivery throughput, 1 node, 1 Kafka-destination stream, " + records + " records",
                    ThroughputRun.BASELINE, throughput[0], throughput[1], "records/s", true));
        }
        return results;
    }

    static double percentile(List<Double> values, int p) {
        List<Double> sorted = values.stream().sorted().toList();
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, index)));
    }
}
