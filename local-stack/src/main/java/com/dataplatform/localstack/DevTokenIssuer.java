package com.dataplatform.localstack;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.text.ParseException;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs dev JWTs (claims sub, org, roles) with an RSA key kept in the stack's data directory, so tokens stay valid
 * across restarts; publishes the public key as a JWK set.
 */
public final class DevTokenIssuer {

    private final RSAKey key;
    private final String issuer;

    private DevTokenIssuer(RSAKey key, String issuer) {
        this.key = key;
        this.issuer = issuer;
    }

    public static DevTokenIssuer loadOrCreate(Path keyFile, String issuer) throws IOException {
        try {
            if (Files.exists(keyFile)) {
                return new DevTokenIssuer(RSAKey.parse(Files.readString(keyFile)), issuer);
            }
            RSAKey key = new RSAKeyGenerator(2048).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.RS256)
                    .keyID(UUID.randomUUID().toString()).generate();
            Files.createDirectories(keyFile.getParent());
            Path tmp = keyFile.resolveSibling(keyFile.getFileName() + ".tmp");
            Files.writeString(tmp, key.toJSONString());
            Files.move(tmp, keyFile, StandardCopyOption.ATOMIC_MOVE);
            return new DevTokenIssuer(key, issuer);
        } catch (JOSEException | ParseException e) {
            throw new IOException("cannot load or create the dev issuer key " + keyFile, e);
        }
    }

    public String issue(String subject, String org, List<String> roles, long ttlSeconds) {
        Instant now = Instant.now();
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(issuer).subject(subject).claim("org", org)
                .claim("roles", roles).jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5))).expirationTime(Date.from(now.plusSeconds(ttlSeconds)))
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(key.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    public Map<String, Object> jwks() {
        return new JWKSet(key.toPublicJWK()).toJSONObject(true);
    }
}
