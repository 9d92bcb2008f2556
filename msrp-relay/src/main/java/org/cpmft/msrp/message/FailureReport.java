package org.cpmft.msrp.message;

import java.util.Locale;

/** Values of the Failure-Report header (RFC 4975 section 7.1.2); absent means {@link #YES}. */
public enum FailureReport {
    YES, NO, PARTIAL;

    public static FailureReport parse(String value) {
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "yes" -> YES;
            case "no" -> NO;
            case "partial" -> PARTIAL;
            default -> throw new IllegalArgumentException("Failure-Report must be yes, no or partial: " + value);
        };
    }

    public String headerValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether a transaction response is expected for a request carrying this value. */
    public boolean expectsSuccessResponse() {
        return this == YES;
    }
}
