package org.cpmft.pf.cpm.sdp;

import java.util.Locale;
import java.util.Optional;

/** The {@code a=setup} attribute (RFC 4145 section 4), used by MSRP per RFC 6135. */
public enum Setup {
    ACTIVE, PASSIVE, ACTPASS, HOLDCONN;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Setup> fromToken(String token) {
        if (token == null) {
            return Optional.empty();
        }
        for (Setup s : values()) {
            if (s.token().equalsIgnoreCase(token.trim())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }
}
