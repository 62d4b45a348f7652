package com.dataplatform.bench.deploy;

/** The sample data-lake app of ci-deploy-service's tests (single-file Java), as the benchmark uploads it. */
final class SampleApp {

    static final String SOURCE = """
import java.io.FileInputStream;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;

/**
 * Sample data-lake app: daily totals of the org's lake.sales, stamped with the app version. Configured by
 * app.properties in its bundle: input (the lake table), variant (ok | bug: doubles the totals, so its test fails)
 * and probe (a live schema the app tries to write, to show that it cannot).
 */
public class App {
    public static void main(String[] args) throws Exception {
        Properties config = new Properties();
        try (FileInputStream in = new FileInputStream("app.properties")) {
            config.load(in);
        }
        String schema = '"' + System.getenv("APP_SCHEMA") + '"';
        int version = Integer.parseInt(System.getenv("APP_VERSION"));
        String factor = "bug".equals(config.getProperty("variant")) ? " * 2" : "";
        try (Connection c = DriverManager.getConnection(System.getenv("DB_URL"), System.getenv("DB_USER"),
                System.getenv("DB_PASSWORD"))) {
            String probe = config.getProperty("probe");
            if (probe != null) {
                for (String target : probe.split(",")) {
                    try (Statement st = c.createStatement()) {
                        st.execute("insert into " + target + " (day, total, version) values (current_date, 0, 0)");
                        System.out.println("PROBE " + target + ": WRITE SUCCEEDED");
                    } catch (SQLException e) {
                        System.out.println("PROBE " + target + ": " + e.getMessage());
                    }
                }
            }
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.execute("create table if not exists " + schema + ".daily_totals "
                        + "(day date primary key, total numeric not null, version int not null)");
                st.execute("create table if not exists " + schema + ".run_info (version int not null, days int not null)");
                st.execute("delete from " + schema + ".daily_totals");
                st.execute("delete from " + schema + ".run_info");
                st.execute("insert into " + schema + ".daily_totals select day, sum(amount)" + factor + ", " + version
                        + " from " + config.getProperty("input") + " group by day");
                st.execute("insert into " + schema + ".run_info select " + version + ", count(*) from " + schema
                        + ".daily_totals");
            }
            c.commit();
        }
        System.out.println("wrote daily totals as version " + version);
    }
}
""";

    static final String YAML = """
name: ${name}
run: "java -cp $APP_CLASSPATH App.java"
reads: [lake.sales]
writes: [daily_totals, run_info]
schedule: once
tests:
  - name: has rows
    sql: "select count(*) > 0 from {{daily_totals}}"
  - name: totals match source
    sql: "select (select sum(total) from {{daily_totals}}) = (select sum(amount) from {{lake.sales}})"
  - name: run info agrees
    sql: "select (select days from {{run_info}}) = (select count(*) from {{daily_totals}})"
resources: {memoryMb: 256, timeoutSeconds: 120}
""";

    private SampleApp() {
    }
}
