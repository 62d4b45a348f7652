package com.dataplatform.common.security;

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
 * Secrets a service must be able to recover (webhook HMAC keys, CalDAV passwords, embed signing keys) at rest:
 * AES-256-GCM with a random 12-byte nonce per value, stored as nonce ‖ ciphertext+tag. The key is base64 of 32 bytes
 * from a service property. The owner of the secret (a stream id, a system id, an org) is bound as associated data,
 * so a sealed value copied into another owner's row does not open.
 */
public final class SecretSeal {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int NONCE = 12;

    private final SecretKeySpec key;
    private final String keyName;

    /**
     * @param base64Key the key, base64 of 32 bytes
     * @param keyName how an operator sets it, for error messages, e.g. {@code "x.secrets-key (env X_SECRETS_KEY)"}
     */
    public SecretSeal(String base64Key, String keyName) {
        this.keyName = keyName;
        if (base64Key == null || base64Key.isBlank()) {
            throw new IllegalStateException(keyName + " is required: base64 of 32 random bytes, e.g. "
                    + "`openssl rand -base64 32`");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(base64Key.strip());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(keyName + " is not base64", e);
        }
        if (raw.length != 32) {
            throw new IllegalStateException(keyName + " must be 32 bytes, got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    /** A fresh random key, base64 (for tools, tests and benchmarks that own their data). */
    public static String newKey() {
        byte[] raw = new byte[32];
        RANDOM.nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    public byte[] seal(String secret, String owner) {
        try {
            byte[] nonce = new byte[NONCE];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(secret.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a secret", e);
        }
    }

    public byte[] seal(String secret, UUID owner) {
        return seal(secret, owner.toString());
    }

    /** The secret, or an {@link IllegalStateException} if the value was sealed for another owner or key, or altered. */
    public String open(byte[] sealed, String owner) {
        if (sealed == null || sealed.length < NONCE + 16) {
            throw new IllegalStateException("cannot open the secret of " + owner + ": not a sealed value");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, sealed, 0, NONCE));
            c.updateAAD(owner.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(sealed, NONCE, sealed.length - NONCE), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot open the secret of " + owner + " (wrong " + keyName + "?)", e);
        }
    }

    public String open(byte[] sealed, UUID owner) {
        return open(sealed, owner.toString());
    }
}
