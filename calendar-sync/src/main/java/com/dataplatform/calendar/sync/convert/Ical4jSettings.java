package com.dataplatform.calendar.sync.convert;

import net.fortuna.ical4j.util.CompatibilityHints;

/**
 * ical4j's compatibility hints are JVM-global switches read lazily all over its model (dates, recurrence rules,
 * parameters), so they are set once, when this class is first used — at startup, by {@code CalendarSyncApplication}
 * — and never toggled per request: toggling them needed a global lock around every parse (and lazy values read
 * later could still see the other mode). The chosen setting is the tolerant one real-world exports need (relaxed
 * parsing and validation, Outlook and Lotus Notes quirks). Unfolding stays strict here: it is a per-reader
 * option, so the converter's first pass is strict about folding and its repair pass is relaxed
 * ({@link ICalendarConverter}).
 */
public final class Ical4jSettings {

    static {
        CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_PARSING, true);
        CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_VALIDATION, true);
        CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_OUTLOOK_COMPATIBILITY, true);
        CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_NOTES_COMPATIBILITY, true);
        CompatibilityHints.setHintEnabled(CompatibilityHints.KEY_RELAXED_UNFOLDING, false);
    }

    private Ical4jSettings() {
    }

    /** Applies the settings (once per JVM; later calls do nothing). */
    public static void apply() {
        // the static initializer did the work
    }
}
