package org.cpmft.store.retry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");
    private final RetryPolicy policy =
            new RetryPolicy(Duration.ofSeconds(10), 2.0, Duration.ofMinutes(5), 6, Duration.ofDays(1));

    @Test
    void delaysGrowGeometricallyUpToTheCap() {
        assertThat(policy.delayBeforeAttempt(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(policy.delayBeforeAttempt(2)).isEqualTo(Duration.ofSeconds(20));
        assertThat(policy.delayBeforeAttempt(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(policy.delayBeforeAttempt(5)).isEqualTo(Duration.ofSeconds(160));
        assertThat(policy.delayBeforeAttempt(6)).isEqualTo(Duration.ofMinutes(5));
        assertThat(policy.delayBeforeAttempt(60)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void hugeAttemptNumbersDoNotOverflow() {
        assertThat(policy.delayBeforeAttempt(Integer.MAX_VALUE)).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void factorOneGivesAFixedInterval() {
        RetryPolicy fixed = new RetryPolicy(Duration.ofMinutes(1), 1.0, Duration.ofMinutes(1), 3, Duration.ofHours(1));
        assertThat(fixed.delayBeforeAttempt(1)).isEqualTo(fixed.delayBeforeAttempt(3));
    }

    @Test
    void firstAttemptAndExpiry() {
        assertThat(policy.firstAttemptAt(NOW)).isEqualTo(NOW.plusSeconds(10));
        assertThat(policy.expiresAt(NOW)).isEqualTo(NOW.plus(Duration.ofDays(1)));
    }

    @Test
    void nextAttemptUsesTheDelayOfTheFollowingAttempt() {
        Instant expires = policy.expiresAt(NOW);
        assertThat(policy.nextAttemptAt(1, NOW, expires)).contains(NOW.plusSeconds(20));
        assertThat(policy.nextAttemptAt(2, NOW, expires)).contains(NOW.plusSeconds(40));
    }

    @Test
    void givesUpAfterMaxAttempts() {
        Instant expires = policy.expiresAt(NOW);
        assertThat(policy.nextAttemptAt(5, NOW, expires)).isPresent();
        assertThat(policy.nextAttemptAt(6, NOW, expires)).isEmpty();
        assertThat(policy.nextAttemptAt(7, NOW, expires)).isEmpty();
    }

    @Test
    void givesUpWhenTheNextAttemptWouldBeAtOrAfterExpiry() {
        assertThat(policy.nextAttemptAt(1, NOW, NOW.plusSeconds(21))).isPresent();
        assertThat(policy.nextAttemptAt(1, NOW, NOW.plusSeconds(20))).isEmpty();
        assertThat(policy.nextAttemptAt(1, NOW, NOW.minusSeconds(1))).isEmpty();
    }

    @Test
    void rejectsNonsense() {
        Duration s = Duration.ofSeconds(1);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ZERO, 2, s, 1, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(s, 0.5, s, 1, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(s, Double.NaN, s, 1, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(s, Double.POSITIVE_INFINITY, s, 1, s))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(s, 2, s, 0, s)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(Duration.ofSeconds(2), 2, s, 1, s))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RetryPolicy(s, 2, s, 1, Duration.ofSeconds(-1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> policy.delayBeforeAttempt(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void defaultsAreSane() {
        RetryPolicy d = RetryPolicy.defaults();
        assertThat(d.firstDelay()).isPositive();
        assertThat(d.maxDelay()).isGreaterThanOrEqualTo(d.firstDelay());
        assertThat(d.expiry()).isGreaterThan(d.maxDelay());
    }
}
