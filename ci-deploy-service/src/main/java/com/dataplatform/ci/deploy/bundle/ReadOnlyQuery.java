package com.dataplatform.ci.deploy.bundle;

import java.util.Locale;
import java.util.Set;

/**
 * Checks that a test is one read-only SELECT before it ever reaches the database: one statement (no {@code ;}),
 * starting with {@code SELECT}, {@code WITH}, {@code VALUES} or {@code (}, no dollar quoting and no keyword that
 * writes, locks, changes settings or controls transactions. A small lexer skips string literals, quoted identifiers
 * and comments so a keyword inside a string is not a false alarm. The database enforces the rest: tests run in a
 * READ ONLY transaction as the version's role, with a statement timeout.
 */
public final class ReadOnlyQuery {

    private static final Set<String> FORBIDDEN = Set.of("insert", "update", "delete", "merge", "truncate", "copy",
            "create", "drop", "alter", "grant", "revoke", "call", "do", "lock", "into", "vacuum", "listen",
            "notify", "unlisten", "execute", "prepare", "deallocate", "set", "reset", "begin", "commit", "rollback",
            "savepoint", "release", "refresh", "comment", "declare", "fetch", "move", "close", "discard", "load",
            "import", "cluster", "reindex", "checkpoint", "security", "share", "nowait");
    private static final Set<String> FIRST = Set.of("select", "with", "values", "(");

    private ReadOnlyQuery() {
    }

    /** Returns null when acceptable, else why not. */
    public static String problem(String sql) {
        if (sql == null || sql.isBlank()) {
            return "empty";
        }
        if (sql.indexOf('\\') >= 0) {
            return "backslashes are not allowed (escape-string literals could hide a second statement)";
        }
        String first = null;
        int i = 0;
        int n = sql.length();
        while (i < n) {
            char c = sql.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
                int end = sql.indexOf('\n', i);
                i = end < 0 ? n : end + 1;
            } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
                int end = sql.indexOf("*/", i + 2);
                if (end < 0) {
                    return "unterminated comment";
                }
                i = end + 2;
            } else if (c == '\'' || c == '"') {
                int end = closing(sql, i, c);
                if (end < 0) {
                    return "unterminated " + (c == '\'' ? "string literal" : "quoted identifier");
                }
                first = first == null ? "literal" : first;
                i = end + 1;
            } else if (c == ';') {
                return "more than one statement (';' is not allowed)";
            } else if (c == '$') {
                return "dollar quoting is not allowed";
            } else if (Character.isLetter(c) || c == '_') {
                int start = i;
                while (i < n && (Character.isLetterOrDigit(sql.charAt(i)) || sql.charAt(i) == '_'
                        || sql.charAt(i) == '$')) {
                    i++;
                }
                String word = sql.substring(start, i).toLowerCase(Locale.ROOT);
                if (first == null) {
                    first = word;
                }
                if (FORBIDDEN.contains(word)) {
                    return "'" + word + "' is not allowed in a read-only test";
                }
            } else {
                if (first == null) {
                    first = String.valueOf(c);
                }
                i++;
            }
        }
        if (first == null || !FIRST.contains(first)) {
            return "must be a single SELECT (starts with '" + first + "')";
        }
        return null;
    }

    private static int closing(String sql, int open, char quote) {
        int i = open + 1;
        while (i < sql.length()) {
            if (sql.charAt(i) == quote) {
                if (i + 1 < sql.length() && sql.charAt(i + 1) == quote) {
                    i += 2;
                    continue;
                }
                return i;
            }
            i++;
        }
        return -1;
    }
}
