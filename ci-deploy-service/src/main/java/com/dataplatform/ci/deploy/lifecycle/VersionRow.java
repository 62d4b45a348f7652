package com.dataplatform.ci.deploy.lifecycle;

import java.time.OffsetDateTime;

/** One row of {@code app_version} (plus the app's org). */
public record VersionRow(String app, String org, int version, VersionStatus status, String bundleSha256,
        String contentHash, String descriptor, String schemaName, String roleName, String runtime, String instance, String tests,
        String failedStage, String failure, Long pid, OffsetDateTime pidStartedAt, OffsetDateTime createdAt,
        OffsetDateTime promotedAt, OffsetDateTime retiredAt, OffsetDateTime schemaExpiresAt,
        OffsetDateTime schemaDroppedAt) {
}
