package com.dataplatform.stream.distributor.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class SecretSealTest {

    private final SecretSeal seal = new SecretSeal(SecretSeal.newKey());

    @Test
    void a_sealed_secret_opens_only_for_its_own_stream_and_key() {
        UUID stream = UUID.randomUUID();
        byte[] sealed = seal.seal("0123456789abcdef-secret", stream);
        assertThat(new String(sealed, StandardCharsets.ISO_8859_1)).doesNotContain("0123456789abcdef");
        assertThat(seal.open(sealed, stream)).isEqualTo("0123456789abcdef-secret");
        assertThat(seal.seal("0123456789abcdef-secret", stream)).isNotEqualTo(sealed); // fresh nonce each time
        assertThatThrownBy(() -> seal.open(sealed, UUID.randomUUID())).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> new SecretSeal(SecretSeal.newKey()).open(sealed, stream))
                .isInstanceOf(IllegalStateException.class);
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> seal.open(sealed, stream)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void a_missing_or_malformed_key_stops_the_service_with_a_reason() {
        assertThatThrownBy(() -> new SecretSeal("")).hasMessageContaining("STREAM_DISTRIBUTOR_SECRETS_KEY");
        assertThatThrownBy(() -> new SecretSeal("not base64!")).hasMessageContaining("base64");
        assertThatThrownBy(() -> new SecretSeal("c2hvcnQ=")).hasMessageContaining("32 bytes");
    }
}
