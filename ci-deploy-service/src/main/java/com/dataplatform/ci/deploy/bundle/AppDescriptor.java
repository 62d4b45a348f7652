package com.dataplatform.ci.deploy.bundle;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A parsed, validated {@code app.yaml}.
 *
 * @param name     the app's name (equals the app the bundle is uploaded to)
 * @param build    optional command run once in the workspace during assembly
 * @param run      command run by {@code sh -c} in the workspace
 * @param reads    tables the app may read
 * @param writes   tables the app owns (bare identifiers, created in its version schema)
 * @param schedule {@code null} for {@code once}, else the period between runs while live
 * @param tests    integration tests run on the candidate's tables
 * @param memoryMb memory limit of the app's process
 * @param timeout  how long one run may take
 */
public record AppDescriptor(String name, String build, String run, List<Input> reads, List<String> writes,
        Duration schedule, List<TestQuery> tests, int memoryMb, Duration timeout) {

    public AppDescriptor {
        reads = List.copyOf(reads);
        writes = List.copyOf(writes);
        tests = List.copyOf(tests);
    }

    public Optional<Duration> every() {
        return Optional.ofNullable(schedule);
    }

    /**
     * A declared input.
     *
     * @param declared as written in app.yaml ({@code lake.sales}, {@code lake_acme.sales}, {@code app_other.t})
     * @param schema   the Postgres schema ({@code lake_<org>} or {@code app_<other>})
     * @param table    the table or live view
     * @param app      the other app whose live view this is, or null for a lake dataset
     */
    public record Input(String declared, String schema, String table, String app) {
    }

    /**
     * A test as declared and as it runs.
     *
     * @param name     its name
     * @param declared the SQL as written, with {@code {{table}}} placeholders
     * @param sql      the SQL to run, placeholders replaced by the candidate's quoted tables
     */
    public record TestQuery(String name, String declared, String sql) {
    }
}
