package com.dataplatform.calendar.sync.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** Advisory lock keys are the first 64 bits of SHA-256 over the namespaced key, call after call and node after node. */
class LockKeyTest {

    @Test
    void lock_keys_are_the_namespaced_sha256_prefix_on_every_call() throws Exception {
        long expected = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                .digest("calendar-sync|uid|org1|meeting@example.com".getBytes(StandardCharsets.UTF_8))).getLong();
        for (int i = 0; i < 3; i++) { // a reused digest must not carry state from the previous key
            assertThat(EventStore.lockKey("uid", "org1", "meeting@example.com")).isEqualTo(expected);
            assertThat(EventStore.lockKey("slot", "org1", "x|2026-01-01T00:00:00Z")).isNotEqualTo(expected);
        }
    }
}
