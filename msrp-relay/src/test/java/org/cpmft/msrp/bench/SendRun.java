package org.cpmft.msrp.bench;

import org.HdrHistogram.Histogram;

/**
 * What one {@link BenchSender#run} measured.
 *
 * @param bytes       body bytes whose chunk was answered 200
 * @param chunks      SEND chunks answered 200
 * @param elapsedNanos from the start signal to the last 200
 * @param latency     per chunk, nanoseconds from the SEND's last byte leaving the sender to its 200
 * @param failures    sessions that ended with an error response, a lost connection or the deadline
 * @param sha256      SHA-256 of what the first session sent, when hashing was asked for
 */
record SendRun(long bytes, long chunks, long elapsedNanos, Histogram latency, int failures, String sha256) {
    double megabytesPerSecond() {
        return bytes / 1e6 / (elapsedNanos / 1e9);
    }

    double chunksPerSecond() {
        return chunks / (elapsedNanos / 1e9);
    }

    double latencyMicros(double percentile) {
        return latency.getTotalCount() == 0 ? Double.NaN : latency.getValueAtPercentile(percentile) / 1e3;
    }
}
