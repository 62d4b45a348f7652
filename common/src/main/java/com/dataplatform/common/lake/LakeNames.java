package com.dataplatform.common.lake;


/**
 * Names in the shared data lake. Datasets of org {@code acme} live in schema {@code lake_acme}, one table per
 * dataset; the catalog is {@code lake.datasets}. Every identifier is checked against a strict pattern before it
 * is quoted into SQL, so no user string ever reaches SQL unchecked.
 */
public final class LakeNames {

    public static final String CATALOG_SCHEMA = "lake";
    public static final String CATALOG_TABLE = "lake.datasets";
    /** A read-only role that may read every lake schema; readers connect as (a member of) it. */
    public static final String READER_ROLE = "lake_reader";


    private LakeNames() {
    }

    /** {@code [a-z][a-z0-9_]{0,30}} (checked by hand: it runs for every event published). */
    public static boolean isOrg(String org) {
        return identifier(org, 31);
    }

    /** {@code [a-z][a-z0-9_]{0,62}}. */
    public static boolean isDataset(String name) {
        return identifier(name, 63);
    }

    private static boolean identifier(String s, int maxLength) {
        if (s == null || s.isEmpty() || s.length() > maxLength) {
            return false;
        }
        char first = s.charAt(0);
        if (first < 'a' || first > 'z') {
            return false;
        }
        for (int i = 1; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    public static String requireOrg(String org) {
        if (!isOrg(org)) {
            throw new IllegalArgumentException("org must match [a-z][a-z0-9_]{0,30}: " + org);
        }
        return org;
    }

    public static String requireDataset(String name) {
        if (!isDataset(name)) {
            throw new IllegalArgumentException("dataset name must match [a-z][a-z0-9_]{0,62}: " + name);
        }
        return name;
    }

    /** {@code lake_<org>}, unquoted. */
    public static String schemaOf(String org) {
        return "lake_" + requireOrg(org);
    }

    /** {@code "lake_<org>"."<dataset>"}, both parts validated and quoted. */
    public static String qualifiedTable(String org, String dataset) {
        return quote(schemaOf(org)) + "." + quote(requireDataset(dataset));
    }

    /** Quotes an identifier that already passed one of the patterns above. */
    public static String quote(String identifier) {
        if (identifier.indexOf('"') >= 0 || identifier.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("identifier contains a quote or NUL");
        }
        return '"' + identifier + '"';
    }
}
