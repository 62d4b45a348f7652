package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.util.List;

/**
 * The outcome for one event of a payload: converted (possibly after repairs, each named) or rejected with a
 * reason. One bad event never hides the others.
 */
public record Conversion(String sourceId, UnifiedEvent event, List<String> repairs, String rejection, String raw) {

    public Conversion {
        repairs = List.copyOf(repairs);
    }

    public static Conversion ok(UnifiedEvent event, List<String> repairs) {
        return new Conversion(event.sourceId(), event, repairs, null, null);
    }

    public static Conversion rejected(String sourceId, String reason) {
        return new Conversion(sourceId, null, List.of(), reason, null);
    }

    /** The same outcome, with the source text it came from (kept as the raw copy). */
    public Conversion withRaw(String text) {
        return new Conversion(sourceId, event, repairs, rejection, text);
    }

    public boolean isRejected() {
        return rejection != null;
    }

    public boolean isRepaired() {
        return !isRejected() && !repairs.isEmpty();
    }
}
