package com.dataplatform.bench;

import java.util.List;

/**
 * One benchmark: measures our code and its named baseline in the same run, on the same servers and settings.
 * Implementations live in {@code com.dataplatform.bench.<area>} with a public no-arg constructor; the runner finds
 * them by classpath scan, so adding one touches no shared file.
 */
public interface Benchmark {

    /** Short name, e.g. "dataflow dispatch". */
    String name();

    /**
     * Runs the scenarios. In {@link BenchContext#smoke()} mode, do the smallest run that exercises every code path
     * (seconds in total); otherwise the full sizes the issue names.
     */
    List<Result> run(BenchContext context) throws Exception;
}
