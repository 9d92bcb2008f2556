package org.cpmft.pf.config;

import java.util.Locale;

/** The side of a session the PF serves (OMA CPM Conversation Functions 8.2 and 8.3). */
public enum PfRole {
    ORIGINATING, TERMINATING;

    public String token() {
        return name().toLowerCase(Locale.ROOT);
    }
}
