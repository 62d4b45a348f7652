package com.dataplatform.stream.distributor.node;

import com.dataplatform.common.security.SecretSeal;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How one node distributes and delivers streams ({@code stream-distributor.*}).
 *
 * @param nodeId            this node's id; blank = host name + random suffix
 * @param leaseTtl          how long a claim or renewal holds a stream (database time)
 * @param pollInterval      how often the poller heartbeats, renews, claims and rebalances
 * @param probeInterval     how often the connectivity daemon probes Postgres and Kafka, and each idle webhook
 *                          stream's worker its destination (TCP connect; failures back off)
 * @param probeTimeout      how long one probe may take before it counts as a miss
 * @param failureThreshold  consecutive failed probes of one dependency before the node relinquishes everything
 *                          (of a webhook destination: before that stream alone turns DEGRADED)
 * @param selfFenceMargin   a worker stops this long before its lease could expire if renewals fail
 * @param webhookTimeout    upper bound of one webhook POST
 * @param retryBase         first retry delay of a failing delivery (doubles, full jitter)
 * @param retryMax          largest retry delay
 * @param breakerThreshold  consecutive delivery failures that open a stream's circuit (stream goes DEGRADED)
 * @param breakerCooldown   how long an open circuit waits before a trial delivery
 * @param maxBatch          most records per delivery batch
 * @param secretsKey        AES-256 key (base64 of 32 bytes) sealing webhook secrets at rest; required
 */
@ConfigurationProperties("stream-distributor")
public record DistributorSettings(
        @DefaultValue("") String nodeId,
        @DefaultValue("3s") Duration leaseTtl,
        @DefaultValue("1s") Duration pollInterval,
        @DefaultValue("1s") Duration probeInterval,
        @DefaultValue("1s") Duration probeTimeout,
        @DefaultValue("3") int failureThreshold,
        @DefaultValue("1s") Duration selfFenceMargin,
        @DefaultValue("5s") Duration webhookTimeout,
        @DefaultValue("200ms") Duration retryBase,
        @DefaultValue("10s") Duration retryMax,
        @DefaultValue("5") int breakerThreshold,
        @DefaultValue("5s") Duration breakerCooldown,
        @DefaultValue("500") int maxBatch,
        @DefaultValue("") String secretsKey) {

    public DistributorSettings {
        if (selfFenceMargin.compareTo(leaseTtl) >= 0) {
            throw new IllegalArgumentException("self-fence-margin must be shorter than lease-ttl");
        }
        if (failureThreshold < 1 || breakerThreshold < 1 || maxBatch < 1) {
            throw new IllegalArgumentException("thresholds and max-batch must be positive");
        }
    }

    /** Never prints the key. */
    @Override
    public String toString() {
        return "DistributorSettings[nodeId=" + nodeId + ", leaseTtl=" + leaseTtl + ", pollInterval=" + pollInterval
                + ", probeInterval=" + probeInterval + ", failureThreshold=" + failureThreshold + ", secretsKey=***]";
    }

    /** How an operator sets {@link #secretsKey()}, for the message when it is missing or malformed. */
    public static final String SECRETS_KEY_NAME =
            "stream-distributor.secrets-key (env STREAM_DISTRIBUTOR_SECRETS_KEY)";

    /** The seal for webhook secrets at rest, keyed by {@link #secretsKey()}. */
    public SecretSeal secretSeal() {
        return new SecretSeal(secretsKey, SECRETS_KEY_NAME);
    }

    /** The defaults, for code that runs a node without Spring (benchmarks); {@code secretsKey} seals secrets. */
    public static DistributorSettings defaults(String nodeId, String secretsKey) {
        return new DistributorSettings(nodeId, Duration.ofSeconds(3), Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1), 3,
                Duration.ofSeconds(1), Duration.ofSeconds(5), Duration.ofMillis(200), Duration.ofSeconds(10), 5,
                Duration.ofSeconds(5), 500, secretsKey);
    }
}
