package org.cpmft.pf.cpm.sdp;

import java.util.Locale;
import java.util.Optional;

/** SDP media direction attributes (RFC 4566 section 6; RFC 3264 section 6.1 for answers). */
public enum Direction {
    SENDONLY, RECVONLY, SENDRECV, INACTIVE;

    public String attributeName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The direction an answer takes for this offered direction (RFC 3264 section 6.1). */
    public Direction answer() {
        return switch (this) {
            case SENDONLY -> RECVONLY;
            case RECVONLY -> SENDONLY;
            default -> this;
        };
    }

    public static Optional<Direction> fromAttributeName(String name) {
        if (name == null) {
            return Optional.empty();
        }
        for (Direction d : values()) {
            if (d.attributeName().equalsIgnoreCase(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
