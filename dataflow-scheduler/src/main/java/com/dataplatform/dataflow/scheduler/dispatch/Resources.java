package com.dataplatform.dataflow.scheduler.dispatch;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * The lock set of a run: {@code d:<org>.<dataset>} shared for read-only datasets and exclusive for written ones
 * (read+written ⇒ exclusive), plus {@code f:<dataflow id>} exclusive, which enforces rule 2 (one run of a
 * dataflow at a time, started in enqueue order) — taken only while the dataflow has another active run (V14).
 */
public final class Resources {

    private Resources() {
    }

    public static String dataset(String org, String dataset) {
        return "d:" + org + "." + dataset;
    }

    public static String dataflow(UUID dataflowId) {
        return "f:" + dataflowId;
    }

    /** resource → mode ('S' or 'X'); the dataflow's own lock only if {@code queued} behind another active run. */
    public static Map<String, String> of(String org, UUID dataflowId, Set<String> reads, Set<String> writes,
            boolean queued) {
        Map<String, String> out = new LinkedHashMap<>();
        if (queued) {
            out.put(dataflow(dataflowId), "X");
        }
        for (String r : reads) {
            out.put(dataset(org, r), "S");
        }
        for (String w : writes) {
            out.put(dataset(org, w), "X");
        }
        return out;
    }

    /** The dataset name of a {@code d:} resource, or null for a dataflow resource. */
    public static String datasetOf(String resource) {
        return resource.startsWith("d:") ? resource.substring(resource.indexOf('.') + 1) : null;
    }
}
