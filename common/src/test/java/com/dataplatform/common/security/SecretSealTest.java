package com.dataplatform.common.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretSealTest {

    private static final String KEY_NAME = "x.secrets-key (env X_SECRETS_KEY)";
    private final SecretSeal seal = new SecretSeal(SecretSeal.newKey(), KEY_NAME);

    @Test
    void a_sealed_secret_opens_only_for_its_own_owner_and_key() {
        UUID stream = UUID.randomUUID();
        byte[] sealed = seal.seal("0123456789abcdef-secret", stream);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("0123456789abcdef");
        assertThat(seal.open(sealed, stream)).isEqualTo("0123456789abcdef-secret");
        assertThat(seal.open(sealed, stream.toString())).isEqualTo("0123456789abcdef-secret");
        assertThat(seal.seal("0123456789abcdef-secret", stream)).isNotEqualTo(sealed); // fresh nonce each time
        assertThatThrownBy(() -> seal.open(sealed, UUID.randomUUID())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretSeal(SecretSeal.newKey(), KEY_NAME).open(sealed, stream))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining(KEY_NAME);
        byte[] tampered = sealed.clone();
        tampered[tampered.length - 1] ^= 1;
        assertThatThrownBy(() -> seal.open(tampered, stream)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> seal.open(Arrays.copyOf(sealed, 20), stream))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("not a sealed value");
    }

    @Test
    void an_empty_secret_round_trips() {
        assertThat(seal.open(seal.seal("", "org-a"), "org-a")).isEmpty();
    }

    @Test
    void a_missing_or_malformed_key_is_refused_with_the_way_to_set_it() {
        assertThatThrownBy(() -> new SecretSeal("", KEY_NAME)).hasMessageContaining("X_SECRETS_KEY");
        assertThatThrownBy(() -> new SecretSeal(null, KEY_NAME)).hasMessageContaining("required");
        assertThatThrownBy(() -> new SecretSeal("not base64!", KEY_NAME)).hasMessageContaining("base64");
        assertThatThrownBy(() -> new SecretSeal("c2hvcnQ=", KEY_NAME)).hasMessageContaining("32 bytes");
    }
}
