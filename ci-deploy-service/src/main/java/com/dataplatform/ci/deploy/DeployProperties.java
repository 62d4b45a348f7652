package com.dataplatform.ci.deploy;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

/**
 * Settings of ci-deploy-service.
 *
 * @param workDir            where bundles, workspaces, run directories and logs live (one node's local disk)
 * @param runtime            {@code process} (default) or {@code docker}
 * @param maxBundleSize      largest uploaded archive
 * @param maxUnpackedSize    largest total size of the unpacked files (zip-bomb guard)
 * @param maxEntries         most entries in one archive
 * @param buildTimeout       how long {@code build} may run
 * @param testTimeout        statement timeout of each integration test
 * @param keepVersions       live + retired versions whose schemas are kept for rollback
 * @param failedSchemaTtl    how long a failed candidate's schema stays for inspection
 * @param drainTimeout       how long a replaced version's running process may finish before it is killed
 * @param cutoverLockTimeout how long the swap waits for one view lock before backing off (below deadlock_timeout)
 * @param cutoverBudget      how long the swap keeps retrying before the promotion fails
 * @param pipelineThreads    versions assembled/deployed/tested at once
 * @param javaOptions        extra JVM flags handed to Java apps through JAVA_TOOL_OPTIONS (after -Xmx)
 * @param retentionInterval  how often expired schemas are dropped
 * @param dockerImage        image the docker runtime runs apps in (needs sh and java)
 */
@ConfigurationProperties("ci-deploy")
public record DeployProperties(
        Path workDir,
        @DefaultValue("process") String runtime,
        @DefaultValue("16MB") DataSize maxBundleSize,
        @DefaultValue("64MB") DataSize maxUnpackedSize,
        @DefaultValue("2000") int maxEntries,
        @DefaultValue("5m") Duration buildTimeout,
        @DefaultValue("30s") Duration testTimeout,
        @DefaultValue("3") int keepVersions,
        @DefaultValue("24h") Duration failedSchemaTtl,
        @DefaultValue("30s") Duration drainTimeout,
        @DefaultValue("100ms") Duration cutoverLockTimeout,
        @DefaultValue("30s") Duration cutoverBudget,
        @DefaultValue("4") int pipelineThreads,
        @DefaultValue("-XX:+UseSerialGC -XX:TieredStopAtLevel=1") String javaOptions,
        @DefaultValue("60s") Duration retentionInterval,
        @DefaultValue("eclipse-temurin:17-jre") String dockerImage) {

    /**
     * Unset work dir: {@code <java.io.tmpdir>/ci-deploy}. (A {@code @DefaultValue} is not placeholder-resolved: the
     * earlier {@code "${java.io.tmpdir}/ci-deploy"} default became a literal directory of that name in the working
     * directory.)
     */
    public DeployProperties {
        if (workDir == null) {
            workDir = Path.of(System.getProperty("java.io.tmpdir"), "ci-deploy");
        }
    }
}
