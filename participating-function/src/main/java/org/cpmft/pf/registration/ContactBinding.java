package org.cpmft.pf.registration;

import java.time.Instant;
import java.util.Objects;

/**
 * One registered contact of a user, as the third-party REGISTER told the PF.
 *
 * @param contactUri the UE's Contact URI, or null when the S-CSCF sent no UE contact (the PF only
 *                   knows that the user is registered)
 * @param instanceId the device's {@code +sip.instance} ({@link InstanceId} normal form), or null
 * @param expiresAt  when the binding lapses unless refreshed
 */
public record ContactBinding(String contactUri, String instanceId, Instant expiresAt) {

    public ContactBinding {
        Objects.requireNonNull(expiresAt, "expiresAt");
    }

    public boolean isLiveAt(Instant now) {
        return now.isBefore(expiresAt);
    }

    /** Same device: same instance when both have one, else the same contact URI. */
    boolean sameDeviceAs(String otherContact, String otherInstance) {
        if (instanceId != null && otherInstance != null) {
            return instanceId.equals(otherInstance);
        }
        return Objects.equals(contactUri, otherContact) && Objects.equals(instanceId, otherInstance);
    }
}
