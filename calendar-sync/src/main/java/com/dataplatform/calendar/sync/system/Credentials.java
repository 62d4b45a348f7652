package com.dataplatform.calendar.sync.system;

import com.dataplatform.common.security.SecretSeal;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * System passwords encrypted at rest with the suite's {@link SecretSeal} (AES-256-GCM, the system id bound as
 * associated data, so a ciphertext copied to another system's row does not decrypt), the key from
 * {@code calendar.credentials-key} (base64, 32 bytes). Without a key the service runs, but no password can be stored.
 */
@Component
public class Credentials {

    private static final String KEY_NAME = "calendar.credentials-key (env CALENDAR_CREDENTIALS_KEY)";

    private final SecretSeal seal;

    Credentials(@Value("${calendar.credentials-key:}") String base64Key) {
        this.seal = base64Key == null || base64Key.isBlank() ? null : new SecretSeal(base64Key, KEY_NAME);
    }

    public boolean configured() {
        return seal != null;
    }

    public byte[] encrypt(String password, String systemId) {
        return requireSeal().seal(password, systemId);
    }

    public String decrypt(byte[] stored, String systemId) {
        return requireSeal().open(stored, systemId);
    }

    private SecretSeal requireSeal() {
        if (seal == null) {
            throw new IllegalStateException(KEY_NAME + " is not configured");
        }
        return seal;
    }
}
