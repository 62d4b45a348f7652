package com.dataplatform.calendar.sync.ingest;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * Where a pushed payload's time goes: timer {@code calendar.ingest.stage{stage}} per payload and stage — the
 * system lookup, conversion, the locks and reads before storing, storing (merges included), the batched inserts,
 * the change log (outboxes) and the whole transaction including its commit.
 */
@Component
public class IngestStages {

    /** The stages, in the order a payload passes them. */
    public enum Stage {
        SYSTEM, CONVERT, PREPARE, STORE, FLUSH, CHANGES, TRANSACTION;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final Map<Stage, Timer> timers = new EnumMap<>(Stage.class);

    IngestStages(MeterRegistry registry) {
        for (Stage s : Stage.values()) { // exported from start-up
            timers.put(s, Timer.builder("calendar.ingest.stage").tag("stage", s.tag())
                    .description("time per pushed payload in this ingestion stage").register(registry));
        }
    }

    public <T> T time(Stage stage, Supplier<T> work) {
        long t0 = System.nanoTime();
        try {
            return work.get();
        } finally {
            timers.get(stage).record(System.nanoTime() - t0, java.util.concurrent.TimeUnit.NANOSECONDS);
        }
    }

    public void time(Stage stage, Runnable work) {
        time(stage, () -> {
            work.run();
            return null;
        });
    }
}
