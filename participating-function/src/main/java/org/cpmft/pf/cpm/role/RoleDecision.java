package org.cpmft.pf.cpm.role;

import java.util.Optional;

/**
 * The role the PF takes for a request, and why.
 *
 * @param role       the role
 * @param source     what decided it
 * @param servedUser the P-Served-User identity when that header was present
 */
public record RoleDecision(Role role, Source source, Optional<String> servedUser) {

    /** What decided the role, in the order {@link RoleResolver} consults them. */
    public enum Source {
        /** P-Served-User {@code sescase} / {@code orig-cdiv} (RFC 5502). */
        P_SERVED_USER,
        /** The {@code orig} parameter on the top Route URI (3GPP TS 24.229 5.4.3.2 / 5.7.1). */
        ROUTE_ORIG,
        /** Neither header decided: the configured default. */
        DEFAULT
    }
}
