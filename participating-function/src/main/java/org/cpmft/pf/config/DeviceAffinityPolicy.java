package org.cpmft.pf.config;

import java.util.Locale;

/** deferral.deviceAffinity: where a deferred file may go when the device that accepted it is away. */
public enum DeviceAffinityPolicy {
    /** Only the device that accepted (seed 002 4.2): the file waits for it. */
    STRICT,
    /** Any device of the user, with the whole file. */
    FALLBACK;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
