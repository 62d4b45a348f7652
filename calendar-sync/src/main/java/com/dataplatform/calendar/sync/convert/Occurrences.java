package com.dataplatform.calendar.sync.convert;

import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One exception model: single occurrences that arrive as their own events (Google instances, Graph exceptions,
 * iCalendar RECURRENCE-ID components) become {@link UnifiedEvent.Override}s of their series when the series is in
 * the same batch; occurrences whose series is elsewhere stay events of their own.
 */
public final class Occurrences {

    private Occurrences() {
    }

    public static List<UnifiedEvent> fold(List<UnifiedEvent> events) {
        Map<String, UnifiedEvent> series = new LinkedHashMap<>();
        List<UnifiedEvent> loose = new ArrayList<>();
        for (UnifiedEvent e : events) {
            if (e.recurrenceId() == null) {
                series.putIfAbsent(e.uid(), e);
            }
        }
        for (UnifiedEvent e : events) {
            if (e.recurrenceId() == null) {
                continue;
            }
            UnifiedEvent master = series.get(e.uid());
            if (master == null) {
                loose.add(e);
                continue;
            }
            List<UnifiedEvent.Override> overrides = new ArrayList<>(master.overrides());
            overrides.add(asOverride(e));
            series.put(e.uid(), master.withOverrides(overrides));
        }
        List<UnifiedEvent> out = new ArrayList<>(series.values());
        out.addAll(loose);
        return out;
    }

    public static UnifiedEvent.Override asOverride(UnifiedEvent occurrence) {
        return new UnifiedEvent.Override(occurrence.recurrenceId(), occurrence.status() == UnifiedEvent.Status.CANCELLED,
                occurrence.start(), occurrence.end(), occurrence.title());
    }
}
