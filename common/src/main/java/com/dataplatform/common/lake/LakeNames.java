package com.dataplatform.common.lake;

import java.util.regex.Pattern;

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

    private static final Pattern ORG = Pattern.compile("[a-z][a-z0-9_]{0,30}");
    private static final Pattern DATASET = Pattern.compile("[a-z][a-z0-9_]{0,62}");

    private LakeNames() {
    }

    public static boolean isOrg(String org) {
        return org != null && ORG.matcher(org).matches();
    }

    public static boolean isDataset(String name) {
        return name != null && DATASET.matcher(name).matches();
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
