package com.dataplatform.calendar.sync.system;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * System passwords encrypted at rest: AES-256-GCM with a random 12-byte nonce per value (stored as nonce ‖
 * ciphertext+tag), the key from {@code calendar.credentials-key} (base64, 32 bytes). Without a key no password can be
 * stored. The system id is bound as associated data, so a ciphertext copied to another system's row does not decrypt.
 */
@Component
public class Credentials {

    private static final SecureRandom RANDOM = new SecureRandom();
    private final SecretKeySpec key;

    Credentials(@Value("${calendar.credentials-key:}") String base64Key) {
        if (base64Key == null || base64Key.isBlank()) {
            this.key = null;
            return;
        }
        byte[] raw = Base64.getDecoder().decode(base64Key.strip());
        if (raw.length != 32) {
            throw new IllegalStateException("calendar.credentials-key must be 32 bytes (base64), got " + raw.length);
        }
        this.key = new SecretKeySpec(raw, "AES");
    }

    public boolean configured() {
        return key != null;
    }

    public byte[] encrypt(String password, String systemId) {
        requireKey();
        try {
            byte[] nonce = new byte[12];
            RANDOM.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, nonce));
            c.updateAAD(systemId.getBytes(StandardCharsets.UTF_8));
            byte[] sealed = c.doFinal(password.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(12 + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot encrypt a credential", e);
        }
    }

    public String decrypt(byte[] stored, String systemId) {
        requireKey();
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, stored, 0, 12));
            c.updateAAD(systemId.getBytes(StandardCharsets.UTF_8));
            return new String(c.doFinal(stored, 12, stored.length - 12), StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot decrypt a stored credential (wrong calendar.credentials-key?)", e);
        }
    }

    private void requireKey() {
        if (key == null) {
            throw new IllegalStateException("calendar.credentials-key is not configured");
        }
    }
}
