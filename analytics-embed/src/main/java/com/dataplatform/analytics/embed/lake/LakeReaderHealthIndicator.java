package com.dataplatform.analytics.embed.lake;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

/** Health component {@code lakeReader}: the read-only pool can connect as {@code lake_reader} and read the catalog. */
@Component("lakeReaderHealthIndicator")
class LakeReaderHealthIndicator extends AbstractHealthIndicator {

    private final LakeReader lake;

    LakeReaderHealthIndicator(LakeReader lake) {
        this.lake = lake;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        builder.up().withDetail("role", lake.currentRole()).withDetail("readOnly", lake.readOnly());
    }
}
