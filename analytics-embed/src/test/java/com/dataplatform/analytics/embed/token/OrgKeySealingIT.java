package com.dataplatform.analytics.embed.token;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dataplatform.analytics.embed.EmbedFixture;
import com.dataplatform.analytics.embed.SecondInstance;
import com.dataplatform.common.security.SecretSeal;
import com.dataplatform.testsupport.SuiteInfrastructure;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Date;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.jdbc.core.simple.JdbcClient;

/** Org signing keys at rest: sealed, never plain; legacy plain rows are sealed at startup and their tokens verify. */
@SpringBootTest
@SuiteInfrastructure
class OrgKeySealingIT {

    @Autowired
    JdbcClient jdbc;
    @Autowired
    OrgKeys keys;
    @Autowired
    EmbedTokens tokens;
    @Autowired
    SecretSeal seal;

    @Test
    void a_new_org_key_is_stored_sealed_and_never_in_plain_text() {
        String org = EmbedFixture.freshOrg("seal");
        byte[] key = keys.keyOf(org);

        Map<String, Object> row = jdbc.sql("select secret, sealed from org_key where org = ?").param(org)
                .query().singleRow();
        assertThat(row.get("secret")).as("plain column").isNull();
        byte[] sealed = (byte[]) row.get("sealed");
        assertThat(indexOf(sealed, key)).as("key bytes inside the sealed value").isEqualTo(-1);
        assertThat(new String(sealed, java.nio.charset.StandardCharsets.ISO_8859_1))
                .doesNotContain(Base64.getEncoder().encodeToString(key));
        assertThat(Base64.getDecoder().decode(seal.open(sealed, org))).isEqualTo(key);
        // bound to its org: the same bytes in another org's row do not open
        assertThatThrownBy(() -> seal.open(sealed, org + "x"))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_legacy_plain_key_is_sealed_at_startup_and_tokens_it_signed_still_verify() throws Exception {
        String org = EmbedFixture.freshOrg("legacy");
        byte[] plain = new byte[32];
        new SecureRandom().nextBytes(plain);
        jdbc.sql("insert into org_key (org, secret) values (?, ?)").params(org, plain).update();
        UUID page = UUID.randomUUID();
        String token = legacyToken(org, page, plain);

        try (SecondInstance restarted = SecondInstance.start()) {
            Map<String, Object> row = jdbc.sql("select secret, sealed from org_key where org = ?").param(org)
                    .query().singleRow();
            assertThat(row.get("secret")).as("plain column after startup").isNull();
            assertThat(indexOf((byte[]) row.get("sealed"), plain)).isEqualTo(-1);
            TokenClaims claims = restarted.bean(EmbedTokens.class).verify(token);
            assertThat(claims.org()).isEqualTo(org);
            assertThat(claims.pageId()).isEqualTo(page);
            assertThat(claims.filters()).containsEntry("region", "north");
        }
        // this instance (which had not cached the key) opens the sealed row too
        assertThat(tokens.verify(token).pageId()).isEqualTo(page);
    }

    @Test
    void a_plain_row_written_by_an_older_instance_after_startup_is_sealed_when_first_read() throws Exception {
        String org = EmbedFixture.freshOrg("late");
        byte[] plain = new byte[32];
        new SecureRandom().nextBytes(plain);
        jdbc.sql("insert into org_key (org, secret) values (?, ?)").params(org, plain).update();
        UUID page = UUID.randomUUID();

        assertThat(tokens.verify(legacyToken(org, page, plain)).pageId()).isEqualTo(page);
        assertThat(jdbc.sql("select secret is null and sealed is not null from org_key where org = ?").param(org)
                .query(Boolean.class).single()).isTrue();
        byte[] sealed = jdbc.sql("select sealed from org_key where org = ?").param(org).query(byte[].class).single();
        assertThat(Base64.getDecoder().decode(seal.open(sealed, org))).isEqualTo(plain);
    }

    /** A token as the service signed it before keys were sealed (same claims, HS256 under the plain key). */
    private static String legacyToken(String org, UUID page, byte[] key) throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JWTClaimsSet claims = new JWTClaimsSet.Builder().issuer(EmbedTokens.ISSUER).audience(EmbedTokens.AUDIENCE)
                .subject(page.toString()).claim("org", org).claim("filters", Map.of("region", "north"))
                .issueTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(600)))
                .jwtID(UUID.randomUUID().toString()).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(org).build(), claims);
        jwt.sign(new MACSigner(key));
        return jwt.serialize();
    }

    private static int indexOf(byte[] haystack, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= haystack.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
