package org.cpmft.pf.config;

import java.time.Duration;

/**
 * When the PF retries delivery of a deferred file; reloadable at run time. The delay before
 * attempt n (n = 1, 2, ...) is {@code firstDelay * backoffFactor^(n-1)}, capped at {@code maxDelay}.
 *
 * @param maxAttempts delivery attempts before the file is given up as failed
 * @param expiry      how long a file is kept at most, counted from when it was stored
 */
public record RetryConfig(Duration firstDelay, double backoffFactor, Duration maxDelay, int maxAttempts, Duration expiry) {

    public RetryConfig {
        Check.positive("retry.firstDelay", firstDelay);
        if (!(backoffFactor >= 1.0 && backoffFactor <= 100.0)) {
            throw new ConfigException("retry.backoffFactor", backoffFactor + " is outside 1.0-100.0");
        }
        Check.positive("retry.maxDelay", maxDelay);
        if (maxDelay.compareTo(firstDelay) < 0) {
            throw new ConfigException("retry.maxDelay", "must not be shorter than retry.firstDelay");
        }
        Check.intRange("retry.maxAttempts", maxAttempts, 1, 10_000);
        Check.positive("retry.expiry", expiry);
    }

    /** The wait before delivery attempt {@code attempt} (1-based), following the backoff rule. */
    public Duration delayBefore(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt " + attempt + " < 1");
        }
        double millis = firstDelay.toMillis() * Math.pow(backoffFactor, attempt - 1);
        if (!(millis < maxDelay.toMillis())) { // also catches overflow to infinity
            return maxDelay;
        }
        return Duration.ofMillis((long) millis);
    }
}
