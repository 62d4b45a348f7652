package com.dataplatform.dataflow.scheduler.deploy;

import java.util.List;
import java.util.UUID;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The dataflows of an org whose current version reads a dataset that a ci-deploy app registered in the lake. */
public class AppReaders {

    private final JdbcClient jdbc;

    public AppReaders(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Dataflow ids in id order (a stable enqueue order for one event). */
    public List<UUID> dataflowsReading(String org, String app) {
        return jdbc.sql("""
                select f.id from dataflow f
                join dataflow_version v on v.dataflow_id = f.id and v.version = f.current_version
                where f.org = :org and v.reads && array(
                    select d.name from lake.datasets d where d.org = :org and d.producer = :producer)
                order by f.id""")
                .param("org", org).param("producer", CatalogRelation.APP_PRODUCER_PREFIX + app)
                .query(UUID.class).list();
    }
}
