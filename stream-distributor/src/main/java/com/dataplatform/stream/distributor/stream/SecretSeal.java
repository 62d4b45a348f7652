package com.dataplatform.stream.distributor.stream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhook secrets at rest: AES-256-GCM with a random 12-byte nonce per value (stored as nonce ‖ ciphertext+tag), the
 * key from {@code stream-distributor.secrets-key} (base64 of 32 bytes). The stream id is bound as associated data,
 * so a sealed secret copied into another stream's row does not open. The secret itself has to stay recoverable: it
 * is the HMAC key the receiver verifies signatures with.
 */
public final class SecretSeal {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private final SecretKeySpec key;

    public SecretSeal(String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalStateException("stream-distributor.secrets-key (env STREAM_DISTRIBUTOR_SECRETS_KEY) is "
                    + "required: base64 of 32 random bytes, e.g. `openssl rand -base64 32`");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("stream-distributor.secrets-key is not base64", e);
        }
        if (raw.length != 32) {
            throw new IllegalStateException("stream-distributor.secrets-key must be 32 bytes, got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** A fresh random key, base64 (for tools and benchmarks that own their data). */
    public static String newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    public byte[] seal(String secret, UUID streamId) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(streamId.toString().getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a webhook secret", e);
        }
    }

    public String open(byte[] sealed, UUID streamId) {
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
            c.updateAAD(streamId.toString().getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the webhook secret of stream " + streamId
                    + " (wrong stream-distributor.secrets-key?)", e);
        }
    }
}
