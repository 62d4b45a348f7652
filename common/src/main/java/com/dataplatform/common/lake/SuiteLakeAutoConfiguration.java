package com.dataplatform.common.lake;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;

/**
 * With {@code suite.lake.enabled=true}, migrates the shared lake catalog ({@code lake.datasets}) at startup with
 * its own Flyway history table, so several services may do it concurrently and in any order.
 */
@AutoConfiguration(afterName = "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration")
@ConditionalOnBean(DataSource.class)
@ConditionalOnProperty(name = "suite.lake.enabled", havingValue = "true")
public class SuiteLakeAutoConfiguration {

    @Bean
    LakeCatalogMigration lakeCatalogMigration(DataSource dataSource) {
        return new LakeCatalogMigration(dataSource);
    }

    /** Runs the {@code classpath:db/lake} migrations into schema {@code lake}. */
    public static final class LakeCatalogMigration implements InitializingBean {
        private final DataSource dataSource;

        LakeCatalogMigration(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public void afterPropertiesSet() {
            Flyway.configure().dataSource(dataSource).schemas(LakeNames.CATALOG_SCHEMA)
                    .defaultSchema(LakeNames.CATALOG_SCHEMA).table("flyway_lake_history")
                    .locations("classpath:db/lake").load().migrate();
        }
    }
}
