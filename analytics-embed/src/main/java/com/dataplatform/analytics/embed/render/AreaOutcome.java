package com.dataplatform.analytics.embed.render;

import com.dataplatform.analytics.embed.area.Area;
import com.dataplatform.analytics.embed.lake.QueryResult;

/** What one area came to within its time budget. */
sealed interface AreaOutcome {

    Area area();

    long durationMs();

    String state();

    record Shown(Area area, QueryResult result, long durationMs) implements AreaOutcome {
        public String state() {
            return "ok";
        }
    }

    record Failed(Area area, String message, long durationMs) implements AreaOutcome {
        public String state() {
            return "error";
        }
    }

    record TimedOut(Area area, long durationMs) implements AreaOutcome {
        public String state() {
            return "timeout";
        }
    }
}
