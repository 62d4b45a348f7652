package com.dataplatform.analytics.embed.lake;

import com.dataplatform.analytics.embed.EmbedProperties;
import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.lake.SuiteLakeAutoConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.autoconfigure.JdbcConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.core.simple.JdbcClient;

@Configuration(proxyBeanMethods = false)
class LakeConfiguration {

    private static final Logger log = LoggerFactory.getLogger(LakeConfiguration.class);

    @Bean
    LakeReader lakeReader(JdbcConnectionDetails db, JdbcClient jdbc, EmbedProperties props,
            ObjectProvider<SuiteLakeAutoConfiguration.LakeCatalogMigration> catalog) {
        catalog.getIfAvailable(); // the catalog migration creates role lake_reader; it must run first
        joinReaderRole(jdbc);
        return new LakeReader(db.getJdbcUrl(), db.getUsername(), db.getPassword(), props.lakePoolSize(),
                props.statementTimeout());
    }

    /** The service's user must be able to SET ROLE lake_reader; grant it where the user may (best effort). */
    private static void joinReaderRole(JdbcClient jdbc) {
        boolean member;
        try {
            member = jdbc.sql("select pg_has_role(current_user, ?, 'MEMBER')").param(LakeNames.READER_ROLE)
                    .query(Boolean.class).single();
        } catch (RuntimeException e) {
            member = false;
        }
        if (!member) {
            try {
                jdbc.sql("grant " + LakeNames.READER_ROLE + " to current_user").update();
            } catch (RuntimeException e) {
                log.warn("cannot join role {}: an administrator must run 'grant {} to <service user>'",
                        LakeNames.READER_ROLE, LakeNames.READER_ROLE);
            }
        }
    }
}
