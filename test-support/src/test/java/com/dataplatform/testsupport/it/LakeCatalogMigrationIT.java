package com.dataplatform.testsupport.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.common.lake.SuiteLakeAutoConfiguration;
import com.dataplatform.testsupport.SuitePostgres;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DriverManagerDataSource;

/** Several services migrate the shared lake catalog at once; it ends up created once, with its constraints. */
class LakeCatalogMigrationIT {

    private static DriverManagerDataSource dataSource() {
        SuitePostgres.Connection pg = SuitePostgres.get();
        return new DriverManagerDataSource(pg.jdbcUrl(), pg.username(), pg.password());
    }

    @Test
    void concurrent_migrations_from_several_services_all_succeed() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            results.add(pool.submit(() -> {
                new ApplicationContextRunner()
                        .withConfiguration(AutoConfigurations.of(SuiteLakeAutoConfiguration.class))
                        .withBean(javax.sql.DataSource.class, LakeCatalogMigrationIT::dataSource)
                        .withPropertyValues("suite.lake.enabled=true")
                        .run(ctx -> assertThat(ctx).hasNotFailed()
                                .hasSingleBean(SuiteLakeAutoConfiguration.LakeCatalogMigration.class));
                return true;
            }));
        }
        for (Future<Boolean> r : results) {
            assertThat(r.get()).isTrue();
        }
        pool.shutdown();
        JdbcClient jdbc = JdbcClient.create(dataSource());
        assertThat(jdbc.sql("select count(*) from lake.flyway_lake_history where version = '1' and success").query(Integer.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("select count(*) from pg_roles where rolname = 'lake_reader'").query(Integer.class).single())
                .isEqualTo(1);
        jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                values ('acme', 'sales_it', 1, 0, '[]', 'lake_acme.sales_it', 'test')
                on conflict do nothing""").update();
        assertThatThrownBy(() -> jdbc.sql("""
                insert into lake.datasets (org, name, version, row_count, columns, relation, producer)
                values ('Bad Org', 'x', 1, 0, '[]', 'x', 'test')""").update())
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void without_the_flag_nothing_is_migrated_by_that_service() {
        new ApplicationContextRunner()
                .withConfiguration(AutoConfigurations.of(SuiteLakeAutoConfiguration.class))
                .withBean(javax.sql.DataSource.class, LakeCatalogMigrationIT::dataSource)
                .run(ctx -> assertThat(ctx).doesNotHaveBean(SuiteLakeAutoConfiguration.LakeCatalogMigration.class));
    }

    @Test
    void the_shared_server_supports_logical_decoding() {
        JdbcClient jdbc = JdbcClient.create(dataSource());
        assertThat(jdbc.sql("show wal_level").query(String.class).single()).isEqualTo("logical");
        assertThat(SuitePostgres.get()).isSameAs(SuitePostgres.get());
    }
}
