package com.dataplatform.analytics.embed;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Settings of analytics-embed.
 *
 * @param lakePoolSize      connections of the read-only lake pool (role {@code lake_reader}, read-only transactions)
 * @param statementTimeout  longest a lake query may run before PostgreSQL cancels it
 * @param areaTimeout       how long a page waits for one area's data before showing that area's placeholder
 * @param renderThreads     threads that fetch area data (areas of one page run in parallel)
 * @param cacheTtl          upper bound on a cached result's age, should a {@code DatasetUpdated} event be lost
 * @param cacheMaxEntries   cached (area version, filters) results kept at most
 * @param pageCacheTtl      how long the render path reuses a page's metadata (edits on this instance apply at once)
 */
@ConfigurationProperties("embed")
public record EmbedProperties(
        @DefaultValue("8") int lakePoolSize,
        @DefaultValue("5s") Duration statementTimeout,
        @DefaultValue("2s") Duration areaTimeout,
        @DefaultValue("16") int renderThreads,
        @DefaultValue("10m") Duration cacheTtl,
        @DefaultValue("10000") int cacheMaxEntries,
        @DefaultValue("1s") Duration pageCacheTtl) {
}
