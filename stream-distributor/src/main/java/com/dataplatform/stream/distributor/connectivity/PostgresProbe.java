package com.dataplatform.stream.distributor.connectivity;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import javax.sql.DataSource;

/** Postgres answers if a pooled connection validates within the timeout. */
public class PostgresProbe implements Probe {

    private final DataSource dataSource;

    public PostgresProbe(DataSource dataSource) {
        this.dataSource = dataSource;
    }

    @Override
    public String name() {
        return "postgres";
    }

    @Override
    public void check(Duration timeout) throws SQLException {
        try (Connection c = dataSource.getConnection()) {
            if (!c.isValid((int) Math.max(1, timeout.toSeconds()))) {
                throw new SQLException("connection did not validate");
            }
        }
    }
}
