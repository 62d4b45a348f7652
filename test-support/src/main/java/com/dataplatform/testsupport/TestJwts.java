package com.dataplatform.testsupport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Signs test JWTs with a per-JVM RSA key whose public half services under test trust (through Boot's
 * {@code spring.security.oauth2.resourceserver.jwt.public-key-location}, the same decoder path as production).
 */
public final class TestJwts {

    private static final KeyPair KEYS = generate();
    private static final KeyPair STRANGER = generate();
    private static volatile Path publicKeyFile;

    private TestJwts() {
    }

    /** A token for {@code org} with the given roles, valid for an hour. */
    public static String token(String org, String... roles) {
        return sign(KEYS, claims("user-" + org, org, List.of(roles), Duration.ofHours(1)));
    }

    /** {@code "Bearer " + token(...)}. */
    public static String bearer(String org, String... roles) {
        return "Bearer " + token(org, roles);
    }

    /** A token with arbitrary claims, signed by the trusted key. */
    public static String withClaims(Map<String, Object> claims) {
        JWTClaimsSet.Builder b = new JWTClaimsSet.Builder();
        claims.forEach(b::claim);
        return sign(KEYS, b.build());
    }

    /** A well-formed token for {@code org} signed by a key nobody trusts. */
    public static String signedByStranger(String org) {
        return sign(STRANGER, claims("stranger", org, List.of("admin"), Duration.ofHours(1)));
    }

    /** A token for {@code org} that expired a minute ago. */
    public static String expired(String org) {
        return sign(KEYS, claims("user-" + org, org, List.of("admin"), Duration.ofMinutes(-1)));
    }

    /** PEM file with the trusted public key, written once per JVM. */
    public static synchronized Path publicKeyPem() {
        if (publicKeyFile == null) {
            try {
                Path file = Files.createTempFile("suite-test-jwt", ".pem");
                file.toFile().deleteOnExit();
                String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(KEYS.getPublic().getEncoded());
                Files.writeString(file, "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n");
                publicKeyFile = file;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return publicKeyFile;
    }

    private static JWTClaimsSet claims(String subject, String org, List<String> roles, Duration ttl) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().subject(subject).claim("org", org).claim("roles", roles)
                .jwtID(UUID.randomUUID().toString()).issueTime(Date.from(now.minusSeconds(120)))
                .expirationTime(Date.from(now.plus(ttl))).build();
    }

    private static String sign(KeyPair keys, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims);
            jwt.sign(new RSASSASigner((RSAPrivateKey) keys.getPrivate()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyPair generate() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
