package com.dataplatform.ci.deploy;

import com.dataplatform.testsupport.SuiteInfrastructure;
import com.dataplatform.testsupport.SuitePostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/** One real server (shared by the integration test classes) on the real PostgreSQL and Kafka. */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT, properties = {
        "ci-deploy.work-dir=${java.io.tmpdir}/ci-deploy-it-${random.uuid}",
        "ci-deploy.drain-timeout=5s",
        "ci-deploy.max-bundle-size=256KB",
        "ci-deploy.max-unpacked-size=1MB",
        "ci-deploy.outbox-interval=100ms"})
@SuiteInfrastructure
public abstract class DeployTestBase {

    @LocalServerPort
    protected int port;

    @Autowired
    protected JdbcClient jdbc;

    /** A lake table {@code lake_<org>.sales(day, amount)} with a few days of sales. */
    protected static void seedSales(String org) throws SQLException {
        try (Connection c = superuser(); Statement st = c.createStatement()) {
            st.execute("create schema if not exists lake_" + org);
            st.execute("create table lake_" + org + ".sales (day date not null, amount numeric not null)");
            st.execute("insert into lake_" + org + ".sales select date '2026-01-01' + (i % 5), i "
                    + "from generate_series(1, 50) i");
        }
    }

    protected static Connection superuser() throws SQLException {
        SuitePostgres.Connection pg = SuitePostgres.get();
        return DriverManager.getConnection(pg.jdbcUrl(), pg.username(), pg.password());
    }
}
