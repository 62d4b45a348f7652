package com.dataplatform.analytics.embed.token;

import com.dataplatform.common.lake.LakeNames;
import java.security.SecureRandom;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One 256-bit HMAC key per org, generated on first use and stored in {@code org_key} so every instance signs and
 * verifies with the same key. Concurrent first uses race on the primary key; the first insert wins for all.
 */
@Component
public class OrgKeys {

    private static final SecureRandom RANDOM = new SecureRandom();

    private final JdbcClient jdbc;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    OrgKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** The org's key, created on first use: only for issuing tokens (an authenticated caller of that org). */
    public byte[] keyOf(String org) {
        LakeNames.requireOrg(org);
        return keys.computeIfAbsent(org, this::loadOrCreate).clone();
    }

    /**
     * The org's key if it has one — for verifying, where the org comes from a token whose signature is not checked
     * yet: a forged token must not make the service create (or cache) keys for arbitrary orgs.
     */
    public Optional<byte[]> existingKeyOf(String org) {
        if (!LakeNames.isOrg(org)) {
            return Optional.empty();
        }
        byte[] cached = keys.get(org);
        if (cached != null) {
            return Optional.of(cached.clone());
        }
        Optional<byte[]> stored = jdbc.sql("select secret from org_key where org = :org").param("org", org)
                .query(byte[].class).optional();
        stored.ifPresent(k -> keys.putIfAbsent(org, k));
        return stored.map(byte[]::clone);
    }

    private byte[] loadOrCreate(String org) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        jdbc.sql("insert into org_key (org, secret) values (:org, :secret) on conflict (org) do nothing")
                .param("org", org).param("secret", fresh).update();
        return jdbc.sql("select secret from org_key where org = :org").param("org", org).query(byte[].class).single();
    }
}
