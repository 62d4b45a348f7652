package com.dataplatform.bulk.extract.support;

import com.dataplatform.bulk.extract.support.RecordsReader.Rec;
import com.dataplatform.bulk.extract.support.Writers.State;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Verifies the published guarantee key by key against the writers' independent history. For every key of the group,
 * the records a consumer keeps (dropping any whose version is ≤ the last kept one for that key) must be: a snapshot
 * of a state at or after the watermark (or, for a key not in the snapshot, the first change after the watermark),
 * followed by every later committed state in order, ending at the key's final state. No record of another group or
 * org may appear.
 */
public final class HandoffChecker {

    private final String org;
    private final Set<String> group;
    private final long watermark;
    private final long postSentNanos;
    private final long postReturnedNanos;

    public HandoffChecker(String org, Set<String> group, long watermark, long postSentNanos, long postReturnedNanos) {
        this.org = org;
        this.group = group;
        this.watermark = watermark;
        this.postSentNanos = postSentNanos;
        this.postReturnedNanos = postReturnedNanos;
    }

    /** Returns the violations (empty when the guarantee holds), at most 20. */
    public List<String> check(List<Rec> records, Map<String, List<State>> history, Map<String, String> userOfKey) {
        List<String> errors = new ArrayList<>();
        Map<String, List<Rec>> byKey = new LinkedHashMap<>();
        for (Rec r : records) {
            if (!org.equals(r.tenant()) || (r.data() != null && !org.equals(r.data().path("org").asString()))) {
                errors.add("record of another org: " + r);
            }
            if (r.userId() == null || !group.contains(r.userId()) || !group.contains(userOfKey.get(r.key()))) {
                errors.add("record of another group: " + r);
            }
            if (r.version() < watermark || (!r.op().equals("snapshot") && r.version() == watermark)) {
                errors.add("record at or before the watermark " + watermark + ": " + r);
            }
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
        }
        for (Map.Entry<String, String> e : userOfKey.entrySet()) {
            if (!group.contains(e.getValue())) {
                continue;
            }
            String key = e.getKey();
            List<State> h = history.getOrDefault(key, List.of());
            List<State> states = new ArrayList<>();
            if (h.isEmpty() || h.get(0).startNanos() != Long.MIN_VALUE) {
                states.add(new State(false, 0, Long.MIN_VALUE, Long.MIN_VALUE)); // s0: absent before the writers
            }
            states.addAll(h);
            String error = checkKey(key, byKey.getOrDefault(key, List.of()), states);
            if (error != null) {
                errors.add(error);
            }
            if (errors.size() >= 20) {
                break;
            }
        }
        return errors;
    }

    private String checkKey(String key, List<Rec> recs, List<State> s) {
        List<Rec> kept = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (Rec r : recs) {
            if (r.version() > last) {
                kept.add(r);
                last = r.version();
            }
        }
        int m = s.size() - 1;
        int p = 0; // s_p: the last state committed before the extraction was requested
        int firstPost = m + 1; // the first state whose transaction started after the watermark was returned
        for (int i = 1; i <= m; i++) {
            if (s.get(i).endNanos() < postSentNanos) {
                p = i;
            }
            if (firstPost == m + 1 && s.get(i).startNanos() > postReturnedNanos) {
                firstPost = i;
            }
        }
        if (kept.isEmpty()) {
            return s.get(m).present() || firstPost <= m
                    ? key + ": nothing kept, but history is " + s.subList(Math.max(0, p), s.size()) : null;
        }
        int j = m - kept.size() + 1;
        if (j < 0) {
            return key + ": kept " + kept.size() + " records for " + (m + 1) + " states";
        }
        for (int t = 0; t < kept.size(); t++) {
            Rec r = kept.get(t);
            State st = s.get(j + t);
            boolean present = !r.op().equals("delete");
            if (present != st.present() || (present && r.data().path("w").asLong() != st.w())) {
                return key + ": kept record " + t + " " + r.op() + " w=" + (r.data() == null ? "-" : r.data().path("w"))
                        + " != state " + (j + t) + " " + st + " (kept " + describe(kept) + ")";
            }
            if (t > 0 && r.op().equals("snapshot")) {
                return key + ": a snapshot kept after a change: " + describe(kept);
            }
        }
        if (kept.get(0).op().equals("snapshot")) {
            if (j < p) {
                return key + ": snapshot is state " + j + ", before the watermark state " + p;
            }
        } else if (j < p + 1 || j > firstPost) {
            return key + ": first kept change is state " + j + ", expected within [" + (p + 1) + ", " + firstPost + "]";
        }
        return null;
    }

    private static String describe(List<Rec> kept) {
        List<String> d = new ArrayList<>();
        for (Rec r : kept) {
            d.add(r.op() + "@" + r.version() + (r.data() == null ? "" : "=" + r.data().path("w")));
        }
        return d.toString();
    }

    /** Snapshot records per key (to count re-sent ones). */
    public static Map<String, Integer> snapshotsPerKey(List<Rec> records) {
        Map<String, Integer> n = new HashMap<>();
        for (Rec r : records) {
            if (r.op().equals("snapshot")) {
                n.merge(r.key(), 1, Integer::sum);
            }
        }
        return n;
    }
}
