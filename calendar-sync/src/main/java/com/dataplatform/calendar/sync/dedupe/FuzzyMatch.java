package com.dataplatform.calendar.sync.dedupe;

import com.dataplatform.calendar.sync.unified.Attendee;
import com.dataplatform.calendar.sync.unified.UnifiedEvent;
import java.text.Normalizer;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The documented fuzzy rule for one meeting under two iCalUIDs: same organizer (normalised email), same start
 * instant (or all-day date), similar normalised titles (accents, case, punctuation and "Re:/Fwd:/Updated:/Invitation:"
 * prefixes dropped; equal, one containing the other, or word-set Jaccard ≥ 0.6), and overlapping attendees when both
 * copies list any (beyond the organizer). Recurring series are matched only against series with the same rules.
 * Returns the reason when it matches.
 */
public final class FuzzyMatch {

    public static final double MIN_TITLE_SIMILARITY = 0.6;

    private FuzzyMatch() {
    }

    public static Optional<String> match(UnifiedEvent stored, UnifiedEvent incoming) {
        if (stored.organizer() == null || !stored.organizer().equals(incoming.organizer())) {
            return Optional.empty();
        }
        if (!stored.start().sortKey().equals(incoming.start().sortKey())) {
            return Optional.empty();
        }
        if (!java.util.Objects.equals(rules(stored), rules(incoming))) {
            return Optional.empty();
        }
        String a = normalise(stored.title());
        String b = normalise(incoming.title());
        if (a.isEmpty() || b.isEmpty()) {
            return Optional.empty();
        }
        double similarity = a.equals(b) ? 1.0 : (a.contains(b) || b.contains(a)) ? 0.9 : jaccard(a, b);
        if (similarity < MIN_TITLE_SIMILARITY) {
            return Optional.empty();
        }
        Set<String> x = others(stored);
        Set<String> y = others(incoming);
        Set<String> common = new HashSet<>(x);
        common.retainAll(y);
        if (!x.isEmpty() && !y.isEmpty() && common.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of("fuzzy: iCalUID " + incoming.uid() + " differs from " + stored.uid() + " but same organizer "
                + stored.organizer() + ", same start " + stored.start().sortKey() + ", similar titles '" + stored.title()
                + "' ~ '" + incoming.title() + "' (" + String.format(Locale.ROOT, "%.2f", similarity) + ")"
                + (common.isEmpty() ? ", no attendee lists to compare" : ", shared attendees " + common.size()));
    }

    private static Object rules(UnifiedEvent e) {
        return e.recurrence() == null ? null : e.recurrence().rules();
    }

    private static Set<String> others(UnifiedEvent e) {
        return e.attendees().stream().map(Attendee::email).filter(m -> !m.equals(e.organizer())).collect(Collectors.toSet());
    }

    static String normalise(String title) {
        if (title == null) {
            return "";
        }
        String t = Normalizer.normalize(title, Normalizer.Form.NFD).replaceAll("\\p{M}", "").toLowerCase(Locale.ROOT);
        t = t.replaceAll("^(\\s*(re|fw|fwd|aw|wg|updated|update|invitation|updated invitation|canceled|cancelled)\\s*:)+", "");
        return t.replaceAll("[^\\p{L}\\p{N}]+", " ").strip();
    }

    private static double jaccard(String a, String b) {
        Set<String> x = new HashSet<>(Arrays.asList(a.split(" ")));
        Set<String> y = new HashSet<>(Arrays.asList(b.split(" ")));
        Set<String> union = new HashSet<>(x);
        union.addAll(y);
        x.retainAll(y);
        return union.isEmpty() ? 0 : (double) x.size() / union.size();
    }
}
