package com.dataplatform.dataflow.scheduler.deploy;

import com.dataplatform.common.lake.LakeNames;
import java.util.regex.Pattern;

/**
 * Which relation a dataset's catalog row ({@code lake.datasets.relation}) may name for a run to read it. Only two
 * forms are accepted, and the text is parsed, never pasted into SQL:
 * <ul>
 * <li>{@code lake_<org>.<table>} — a table in the lake schema of the dataset's own org;</li>
 * <li>{@code app_<name>.<table>} — the live view of a ci-deploy app, only when the row's producer is
 * {@code ci-deploy-service:<app>} with {@code <app>} = {@code <name>} with underscores as hyphens (app names have no
 * underscores). The producer check also keeps a version schema {@code app_<app>_v<N>} out, which has the shape of the
 * live schema of an app named {@code <app>-v<N>}.</li>
 * </ul>
 * Each part may be double-quoted (as the writers store it) or bare, and must match {@code [a-z][a-z0-9_]{0,62}}.
 */
public record CatalogRelation(String schema, String table) {

    public static final String APP_PRODUCER_PREFIX = "ci-deploy-service:";
    /** ci-deploy's app names ({@code daily-totals}), in their SQL spelling ({@code daily_totals}). */
    private static final Pattern APP_SQL_NAME = Pattern.compile("[a-z][a-z0-9]*(_[a-z0-9]+)*");
    private static final int APP_NAME_MAX = 40;

    /** The relation as SQL: both identifiers validated and quoted. */
    public String sql() {
        return LakeNames.quote(schema) + "." + LakeNames.quote(table);
    }

    /**
     * The relation that a run of {@code org} may read for a catalog row, or an {@link IllegalStateException} naming
     * the dataset and why the row's relation is refused.
     */
    public static CatalogRelation allowed(String org, String dataset, String relationText, String producer) {
        CatalogRelation r = parse(relationText);
        if (r == null) {
            throw refused(dataset, relationText, "it is not <schema>.<table> with identifiers matching "
                    + "[a-z][a-z0-9_]{0,62}");
        }
        if (r.schema().equals(LakeNames.schemaOf(org))) {
            return r;
        }
        if (r.schema().startsWith("app_")) {
            String appSql = r.schema().substring("app_".length());
            if (!APP_SQL_NAME.matcher(appSql).matches() || appSql.length() > APP_NAME_MAX) {
                throw refused(dataset, relationText, "'" + r.schema() + "' is not the live schema of an app");
            }
            String expected = APP_PRODUCER_PREFIX + appSql.replace('_', '-');
            if (!expected.equals(producer)) {
                throw refused(dataset, relationText, "an app's live view is readable only through a dataset its "
                        + "producer " + expected + " registered, and this one's producer is '" + clip(producer) + "'");
            }
            return r;
        }
        throw refused(dataset, relationText, "only lake_" + org + ".<table> or app_<name>.<table> may be read");
    }

    /** {@code schema.table}, each part bare or double-quoted; null when the text has any other shape. */
    static CatalogRelation parse(String text) {
        if (text == null) {
            return null;
        }
        int[] end = new int[1];
        String schema = identifier(text, 0, end);
        if (schema == null || end[0] >= text.length() || text.charAt(end[0]) != '.') {
            return null;
        }
        String table = identifier(text, end[0] + 1, end);
        if (table == null || end[0] != text.length()) {
            return null;
        }
        return new CatalogRelation(schema, table);
    }

    /** The identifier starting at {@code from} (bare up to '.' or the end, or within double quotes). */
    private static String identifier(String text, int from, int[] end) {
        String name;
        if (from < text.length() && text.charAt(from) == '"') {
            int close = text.indexOf('"', from + 1);
            if (close < 0) {
                return null;
            }
            name = text.substring(from + 1, close);
            end[0] = close + 1;
        } else {
            int dot = text.indexOf('.', from);
            int stop = dot < 0 ? text.length() : dot;
            name = text.substring(from, stop);
            end[0] = stop;
        }
        return LakeNames.isDataset(name) ? name : null;
    }

    private static IllegalStateException refused(String dataset, String relationText, String why) {
        return new IllegalStateException("source dataset '" + dataset + "' cannot be read: its lake catalog relation '"
                + clip(relationText) + "' is not allowed (" + why + ")");
    }

    private static String clip(String s) {
        if (s == null) {
            return "null";
        }
        String printable = s.replaceAll("\\p{Cntrl}", "?");
        return printable.length() <= 120 ? printable : printable.substring(0, 120) + "...";
    }
}
