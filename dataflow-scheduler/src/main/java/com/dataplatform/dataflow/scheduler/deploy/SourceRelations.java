package com.dataplatform.dataflow.scheduler.deploy;

import com.dataplatform.common.lake.LakeNames;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Resolves a run's {@code source} datasets to the relation their lake catalog row names (checked by
 * {@link CatalogRelation#allowed}), so a dataset another producer registered — a ci-deploy app's live view — reads
 * what that producer published. A dataset without a catalog row keeps the lake default {@code lake_<org>.<name>}
 * (the statement then fails with "relation does not exist", as before).
 */
public class SourceRelations {

    private final JdbcClient jdbc;

    public SourceRelations(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A resolver for one run (each dataset looked up once, in the caller's transaction). */
    public Function<String, String> forOrg(String org) {
        Map<String, String> resolved = new HashMap<>();
        return dataset -> resolved.computeIfAbsent(dataset, d -> relationOf(org, d));
    }

    /** The quoted relation a run of {@code org} reads for {@code dataset}. */
    public String relationOf(String org, String dataset) {
        LakeNames.requireDataset(dataset);
        return jdbc.sql("select relation, producer from lake.datasets where org = :org and name = :name")
                .param("org", org).param("name", dataset)
                .query((rs, i) -> CatalogRelation.allowed(org, dataset, rs.getString(1), rs.getString(2)).sql())
                .optional().orElseGet(() -> LakeNames.qualifiedTable(org, dataset));
    }
}
