package com.dataplatform.ci.deploy.lifecycle;

import static com.dataplatform.common.lake.LakeNames.quote;

import com.dataplatform.ci.deploy.bundle.AppDescriptor;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Runs a version's tests on what it wrote. Each test is its own READ ONLY transaction, running as the version's
 * role ({@code SET LOCAL ROLE}, so it sees exactly what the app may see) with a statement timeout, and is rolled
 * back. It passes if it returns one row whose first column is true.
 */
public class IntegrationTests {

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final Duration timeout;

    public IntegrationTests(JdbcClient jdbc, TransactionTemplate tx, Duration timeout) {
        this.jdbc = jdbc;
        this.tx = tx;
        this.timeout = timeout;
    }

    public List<TestResult> run(String schema, String role, List<AppDescriptor.TestQuery> tests) {
        List<TestResult> results = new ArrayList<>();
        for (AppDescriptor.TestQuery test : tests) {
            String sql = test.sql().replace("{{version_schema}}", quote(schema));
            long t0 = System.nanoTime();
            String detail;
            try {
                detail = tx.execute(status -> {
                    status.setRollbackOnly();
                    jdbc.sql("set transaction read only").update();
                    jdbc.sql("select set_config('statement_timeout', :t, true)").param("t", timeout.toMillis() + "ms")
                            .query().singleValue();
                    jdbc.sql("set local role " + quote(role)).update();
                    jdbc.sql("select set_config('search_path', :p, true)").param("p", quote(schema))
                            .query().singleValue();
                    return jdbc.sql(sql).query(IntegrationTests::verdict);
                });
            } catch (DataAccessException e) {
                Throwable root = e.getMostSpecificCause();
                detail = "error: " + (root.getMessage() == null ? root.toString() : root.getMessage().strip());
            }
            long ms = (System.nanoTime() - t0) / 1_000_000;
            boolean passed = PASSED.equals(detail);
            results.add(new TestResult(test.name(), passed, passed ? null : detail, ms));
        }
        return results;
    }

    private static final String PASSED = "passed";

    /** {@link #PASSED} when the query returned exactly one row with a true first column, else why not. */
    private static String verdict(ResultSet rs) throws java.sql.SQLException {
        if (!rs.next()) {
            return "returned no rows (expected one boolean)";
        }
        Object value = rs.getObject(1);
        boolean more = rs.next();
        if (more) {
            return "returned more than one row (expected one boolean)";
        }
        if (value == null) {
            return "returned null";
        }
        if (!(value instanceof Boolean b)) {
            return "returned " + value + " (expected a boolean)";
        }
        return b ? PASSED : "returned false";
    }
}
