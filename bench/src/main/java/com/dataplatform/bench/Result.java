package com.dataplatform.bench;

/**
 * One row of a benchmark table.
 *
 * @param scenario       what was measured, with its size
 * @param baselineName   the baseline's name and settings
 * @param baseline       the baseline's figure
 * @param ours           our figure
 * @param unit           unit of both figures (e.g. "runs/s", "ms p99")
 * @param higherIsBetter whether a larger figure is better (throughput) or worse (latency)
 */
public record Result(String scenario, String baselineName, double baseline, double ours, String unit,
        boolean higherIsBetter) {

    /** How many times better ours is than the baseline (> 1 means ours wins), whatever the unit's direction. */
    public double ratio() {
        if (baseline == 0 || ours == 0) {
            return Double.NaN;
        }
        return higherIsBetter ? ours / baseline : baseline / ours;
    }
}
