package org.cpmft.store.registration;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A device binding as the store keeps it.
 *
 * @param contactUri the device's Contact URI, or null
 * @param instanceId the device's {@code +sip.instance}, or null
 * @param expiresAt  when it lapses unless refreshed; a lapsed row still says the user is known
 */
public record StoredBinding(String contactUri, String instanceId, Instant expiresAt) {

    public StoredBinding {
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    /**
     * Identity of the device within the user: its instance when it has one, else its contact (RFC
     * 5626 section 4.1; the rows' unique key). Hashed so that the key has a fixed width.
     */
    String deviceKey() {
        String identity = instanceId != null ? "i " + instanceId : contactUri != null ? "c " + contactUri : "-";
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().formatHex(sha.digest(identity.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every JRE", e);
        }
    }
}
