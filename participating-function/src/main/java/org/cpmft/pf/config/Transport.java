package org.cpmft.pf.config;

import java.util.Locale;

/** A transport the PF listens on for SIP (and the protocol a port check binds with). */
public enum Transport {
    UDP, TCP;

    /** The lower-case name used in the config file and in SIP (e.g. {@code transport=tcp}). */
    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
