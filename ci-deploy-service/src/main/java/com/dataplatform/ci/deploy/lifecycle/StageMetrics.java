package com.dataplatform.ci.deploy.lifecycle;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * {@code ci_deploy.stage.duration} (tags {@code stage}, {@code outcome} = ok | failed): how long each pipeline stage
 * of a version took on this instance. Every stage/outcome pair is exported from the start (at 0), so the ops
 * dashboard and alerts see the series before the first deploy. The persisted timings (database clock) stay the
 * record of each version; these are for rates and trends.
 */
public class StageMetrics {

    static final List<String> STAGES = List.of("ASSEMBLING", "DEPLOYING", "RUNNING", "TESTING", "PROMOTING");

    private final Map<String, Timer> timers = new ConcurrentHashMap<>();
    private final MeterRegistry meters;

    public StageMetrics(MeterRegistry meters) {
        this.meters = meters;
        for (String stage : STAGES) {
            timer(stage, "ok");
            timer(stage, "failed");
        }
    }

    /** Records a stage that ended well; returns now, the start of the next stage. */
    long ok(String stage, long startedNanos) {
        return record(stage, "ok", startedNanos);
    }

    long failed(String stage, long startedNanos) {
        return record(stage, "failed", startedNanos);
    }

    private long record(String stage, String outcome, long startedNanos) {
        long now = System.nanoTime();
        timer(stage, outcome).record(now - startedNanos, TimeUnit.NANOSECONDS);
        return now;
    }

    private Timer timer(String stage, String outcome) {
        return timers.computeIfAbsent(stage + "/" + outcome, k -> Timer.builder("ci_deploy.stage.duration")
                .description("Duration of a pipeline stage of an app version").tag("stage", stage)
                .tag("outcome", outcome).register(meters));
    }
}
