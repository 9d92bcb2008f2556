package org.cpmft.pf.deferral;

/**
 * Content arrived for an offset beyond what the sink has: octets in between are missing. The
 * store keeps contiguous content only, so the relay must end the session; the sender may resume
 * from {@link #expected()} (RFC 5547 section 9).
 */
public final class ContentGapException extends IllegalStateException {
    private final long expected;

    public ContentGapException(long expected, long got) {
        super("content gap: expected offset " + expected + ", got " + got);
        this.expected = expected;
    }

    public long expected() {
        return expected;
    }
}
