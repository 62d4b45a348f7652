package com.dataplatform.stream.distributor.assignment;

import com.dataplatform.stream.distributor.stream.Stream;
import java.util.Map;

/**
 * A stream this node has just claimed: its definition, the epoch that fences every write of this ownership, the
 * checkpoint to resume from, and who held it before (non-null: the previous owner's lease expired — a failover).
 */
public record Assignment(Stream stream, long epoch, Map<Integer, Long> checkpoint, String previousOwner,
        long unownedMillis) {
}
