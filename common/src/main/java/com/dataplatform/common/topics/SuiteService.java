package com.dataplatform.common.topics;

import java.util.Arrays;
import java.util.Optional;

/**
 * The six services of the suite: their id (also {@code spring.application.name}), their own Postgres
 * schema and the port the local stack gives them.
 */
public enum SuiteService {
    CI_DEPLOY("ci-deploy-service", "ci_deploy", 8081),
    STREAM_DISTRIBUTOR("stream-distributor", "stream_distributor", 8082),
    CALENDAR_SYNC("calendar-sync", "calendar_sync", 8083),
    BULK_EXTRACT("bulk-extract", "bulk_extract", 8084),
    DATAFLOW_SCHEDULER("dataflow-scheduler", "dataflow_scheduler", 8085),
    ANALYTICS_EMBED("analytics-embed", "analytics_embed", 8086);

    private final String id;
    private final String schema;
    private final int localPort;

    SuiteService(String id, String schema, int localPort) {
        this.id = id;
        this.schema = schema;
        this.localPort = localPort;
    }

    public String id() {
        return id;
    }

    public String schema() {
        return schema;
    }

    public int localPort() {
        return localPort;
    }

    public static Optional<SuiteService> byId(String id) {
        return Arrays.stream(values()).filter(s -> s.id.equals(id)).findFirst();
    }
}
