package org.cpmft.store.retry;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Service provider policy for periodic re-offers of a deferred transfer (OMA CPM 8.2.3.1 /
 * 8.3.3.3: "the timing and frequency ... are subject to Service Provider policies").
 *
 * <p>The delay before attempt {@code n} (1-based) is {@code firstDelay * backoffFactor^(n-1)},
 * capped at {@code maxDelay}. No attempt is scheduled beyond {@code maxAttempts} or at or after
 * the expiry time, which is {@code expiry} after the transfer was created.
 */
public final class RetryPolicy {
    private final Duration firstDelay;
    private final double backoffFactor;
    private final Duration maxDelay;
    private final int maxAttempts;
    private final Duration expiry;

    public RetryPolicy(Duration firstDelay, double backoffFactor, Duration maxDelay, int maxAttempts,
                       Duration expiry) {
        this.firstDelay = requirePositive(firstDelay, "firstDelay");
        this.maxDelay = requirePositive(maxDelay, "maxDelay");
        this.expiry = requirePositive(expiry, "expiry");
        if (!(backoffFactor >= 1.0) || Double.isInfinite(backoffFactor)) {
            throw new IllegalArgumentException("backoffFactor must be a finite number >= 1: " + backoffFactor);
        }
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be >= 1: " + maxAttempts);
        }
        if (maxDelay.compareTo(firstDelay) < 0) {
            throw new IllegalArgumentException("maxDelay " + maxDelay + " is shorter than firstDelay " + firstDelay);
        }
        this.backoffFactor = backoffFactor;
        this.maxAttempts = maxAttempts;
    }

    /** 30 s, doubling, at most 1 h apart, 50 attempts, kept 7 days. */
    public static RetryPolicy defaults() {
        return new RetryPolicy(Duration.ofSeconds(30), 2.0, Duration.ofHours(1), 50, Duration.ofDays(7));
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive: " + d);
        }
        return d;
    }

    /** When a transfer created at {@code createdAt} expires. */
    public Instant expiresAt(Instant createdAt) {
        return createdAt.plus(expiry);
    }

    /** When the first periodic attempt of a transfer deferred at {@code now} is due. */
    public Instant firstAttemptAt(Instant now) {
        return now.plus(firstDelay);
    }

    /** Delay before attempt number {@code attempt} (1-based). */
    public Duration delayBeforeAttempt(int attempt) {
        if (attempt < 1) {
            throw new IllegalArgumentException("attempt is 1-based: " + attempt);
        }
        double millis = firstDelay.toMillis() * Math.pow(backoffFactor, attempt - 1);
        if (Double.isInfinite(millis) || millis >= maxDelay.toMillis()) {
            return maxDelay;
        }
        return Duration.ofMillis((long) millis);
    }

    /**
     * When to try again after {@code attemptsMade} attempts failed, the last one ending at
     * {@code now}; empty when the transfer should be given up (attempts used or expiry reached).
     */
    public Optional<Instant> nextAttemptAt(int attemptsMade, Instant now, Instant expiresAt) {
        if (attemptsMade >= maxAttempts) {
            return Optional.empty();
        }
        Instant next = now.plus(delayBeforeAttempt(attemptsMade + 1));
        return next.isBefore(expiresAt) ? Optional.of(next) : Optional.empty();
    }

    public Duration firstDelay() {
        return firstDelay;
    }

    public double backoffFactor() {
        return backoffFactor;
    }

    public Duration maxDelay() {
        return maxDelay;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Duration expiry() {
        return expiry;
    }

    @Override
    public String toString() {
        return "RetryPolicy[firstDelay=" + firstDelay + ", backoffFactor=" + backoffFactor + ", maxDelay="
                + maxDelay + ", maxAttempts=" + maxAttempts + ", expiry=" + expiry + "]";
    }
}
