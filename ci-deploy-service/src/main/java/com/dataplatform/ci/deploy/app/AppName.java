package com.dataplatform.ci.deploy.app;

import java.util.regex.Pattern;

/**
 * An app name: lower-case words of letters and digits joined by single hyphens ({@code daily-totals}), at most 40
 * characters. Underscores are not allowed, so replacing hyphens by underscores ({@link #sql()}) is one-to-one and
 * the derived schema and role names ({@code app_daily_totals}, {@code app_daily_totals_v3}) never collide.
 */
public record AppName(String value) {

    public static final int MAX_LENGTH = 40;
    private static final Pattern PATTERN = Pattern.compile("[a-z][a-z0-9]*(-[a-z0-9]+)*");

    public AppName {
        if (!isValid(value)) {
            throw new IllegalArgumentException("app name must be lower-case letters/digits joined by single hyphens, "
                    + "start with a letter, at most " + MAX_LENGTH + " characters: " + value);
        }
    }

    public static boolean isValid(String value) {
        return value != null && value.length() <= MAX_LENGTH && PATTERN.matcher(value).matches();
    }

    /** The name as an SQL identifier part: hyphens become underscores. */
    public String sql() {
        return value.replace('-', '_');
    }

    /** Schema of the live views, {@code app_<name>}. */
    public String liveSchema() {
        return "app_" + sql();
    }

    /** Schema (and role) of one version, {@code app_<name>_v<N>}. */
    public String versionSchema(int version) {
        return "app_" + sql() + "_v" + version;
    }

    @Override
    public String toString() {
        return value;
    }
}
