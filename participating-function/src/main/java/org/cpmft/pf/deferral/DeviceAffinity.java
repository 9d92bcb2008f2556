package org.cpmft.pf.deferral;

import java.util.Locale;

/**
 * Where a deferred file may go when the device that accepted it (its stored {@code +sip.instance})
 * is not registered but other devices of the user are (seed 002 4.2, seed 004 7.4.5.1).
 */
public enum DeviceAffinity {
    /** Only the device that accepted; the file waits for it (the default: what CPM 2.0 asks for). */
    STRICT,
    /** Any device of the user, with the whole file, when the store holds it from octet 0. */
    FALLBACK;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws IllegalArgumentException for anything but {@code strict} or {@code fallback} */
    public static DeviceAffinity parse(String token) {
        for (DeviceAffinity a : values()) {
            if (a.token().equalsIgnoreCase(token == null ? "" : token.trim())) {
                return a;
            }
        }
        throw new IllegalArgumentException("must be strict or fallback, got " + token);
    }
}
