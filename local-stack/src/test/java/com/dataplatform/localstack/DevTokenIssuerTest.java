package com.dataplatform.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;

class DevTokenIssuerTest {

    @TempDir
    Path dir;

    @Test
    void tokens_verify_against_the_published_jwks_and_carry_the_suite_claims() throws Exception {
        DevTokenIssuer issuer = DevTokenIssuer.loadOrCreate(dir.resolve("key.json"), "http://localhost:8080");
        String token = issuer.issue("alice", "demo", List.of("admin", "ops"), 600);

        RSAKey publicKey = JWKSet.parse(issuer.jwks()).getKeys().get(0).toRSAKey();
        assertThat(publicKey.isPrivate()).isFalse();
        Jwt jwt = NimbusJwtDecoder.withPublicKey(publicKey.toRSAPublicKey()).build().decode(token);
        assertThat(jwt.getSubject()).isEqualTo("alice");
        assertThat(jwt.getClaimAsString("org")).isEqualTo("demo");
        assertThat(jwt.getClaimAsStringList("roles")).containsExactly("admin", "ops");
        assertThat(jwt.getIssuer().toString()).isEqualTo("http://localhost:8080");
    }

    @Test
    void the_key_survives_a_restart_so_issued_tokens_stay_valid() throws Exception {
        DevTokenIssuer first = DevTokenIssuer.loadOrCreate(dir.resolve("key.json"), "http://localhost:8080");
        String token = first.issue("bob", "demo", List.of(), 600);
        DevTokenIssuer second = DevTokenIssuer.loadOrCreate(dir.resolve("key.json"), "http://localhost:8080");
        RSAKey key = JWKSet.parse(second.jwks()).getKeys().get(0).toRSAKey();
        assertThat(NimbusJwtDecoder.withPublicKey(key.toRSAPublicKey()).build().decode(token).getSubject()).isEqualTo("bob");

        DevTokenIssuer other = DevTokenIssuer.loadOrCreate(dir.resolve("other.json"), "http://localhost:8080");
        RSAKey otherKey = JWKSet.parse(other.jwks()).getKeys().get(0).toRSAKey();
        assertThatThrownBy(() -> NimbusJwtDecoder.withPublicKey(otherKey.toRSAPublicKey()).build().decode(token))
                .isInstanceOf(JwtException.class);
    }
}
