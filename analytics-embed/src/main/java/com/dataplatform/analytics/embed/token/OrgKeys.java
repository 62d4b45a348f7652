package com.dataplatform.analytics.embed.token;

import com.dataplatform.common.lake.LakeNames;
import com.dataplatform.common.security.SecretSeal;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * One 256-bit HMAC key per org, generated on first use and stored in {@code org_key} so every instance signs and
 * verifies with the same key. Stored <b>sealed</b> ({@link SecretSeal}, key {@code analytics-embed.secrets-key}, the
 * org bound as associated data so a sealed key copied to another org's row does not open); the row never holds the
 * key in plain text. Rows written before sealing existed (plain {@code secret}) are sealed at startup and whenever
 * one is read, so tokens they signed keep verifying. Concurrent first uses race on the primary key; the first insert
 * wins for all.
 */
public class OrgKeys implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(OrgKeys.class);
    private static final SecureRandom RANDOM = new SecureRandom();

    private record Stored(byte[] plain, byte[] sealed) {
    }

    private final JdbcClient jdbc;
    private final SecretSeal seal;
    private final Map<String, byte[]> keys = new ConcurrentHashMap<>();

    OrgKeys(JdbcClient jdbc, SecretSeal seal) {
        this.jdbc = jdbc;
        this.seal = seal;
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
        Optional<byte[]> stored = load(org);
        stored.ifPresent(k -> keys.putIfAbsent(org, k));
        return stored.map(byte[]::clone);
    }

    /** Startup: seals every plain row (written before keys were sealed). */
    @Override
    public void afterPropertiesSet() {
        int sealed = sealPlainRows();
        if (sealed > 0) {
            log.info("sealed {} plain org signing key(s) at rest", sealed);
        }
    }

    /** Seals the plain rows and clears their plain column; returns how many this call sealed. */
    int sealPlainRows() {
        List<String> orgs = jdbc.sql("select org from org_key where sealed is null").query(String.class).list();
        int n = 0;
        for (String org : orgs) {
            Optional<Stored> row = row(org);
            if (row.isPresent() && row.get().plain() != null && sealPlain(org, row.get().plain())) {
                n++;
            }
        }
        return n;
    }

    private byte[] loadOrCreate(String org) {
        byte[] fresh = new byte[32];
        RANDOM.nextBytes(fresh);
        jdbc.sql("insert into org_key (org, sealed) values (:org, :sealed) on conflict (org) do nothing")
                .param("org", org).param("sealed", sealKey(fresh, org)).update();
        return load(org).orElseThrow(() -> new IllegalStateException("org key of " + org + " vanished"));
    }

    private Optional<byte[]> load(String org) {
        return row(org).map(r -> {
            if (r.sealed() != null) {
                return Base64.getDecoder().decode(seal.open(r.sealed(), org));
            }
            sealPlain(org, r.plain()); // a row an older instance wrote: seal it now
            return r.plain();
        });
    }

    private Optional<Stored> row(String org) {
        return jdbc.sql("select secret, sealed from org_key where org = :org").param("org", org)
                .query((rs, i) -> new Stored(rs.getBytes(1), rs.getBytes(2))).optional();
    }

    /** Seals the plain key unless another instance got there first (the row is then already sealed). */
    private boolean sealPlain(String org, byte[] plain) {
        return jdbc.sql("""
                update org_key set sealed = :sealed, secret = null
                where org = :org and sealed is null and secret = :plain""")
                .param("sealed", sealKey(plain, org)).param("org", org).param("plain", plain).update() == 1;
    }

    private byte[] sealKey(byte[] key, String org) {
        return seal.seal(Base64.getEncoder().encodeToString(key), org);
    }
}
