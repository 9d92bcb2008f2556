package org.cpmft.pf.bench;

import java.time.Instant;

/**
 * Wall-clock time in microseconds since the epoch: the one clock shared with SIPp's
 * {@code gettimeofday} action, so instants taken in this JVM and in SIPp (same host) compare.
 */
final class WallClock {
    private WallClock() {
    }

    static long micros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }
}
