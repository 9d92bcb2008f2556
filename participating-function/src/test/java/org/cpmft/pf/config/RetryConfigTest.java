package org.cpmft.pf.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RetryConfigTest {

    @Test
    void delaysGrowByTheFactorUpToTheCap() {
        RetryConfig r = new RetryConfig(Duration.ofSeconds(60), 2.0, Duration.ofHours(1), 10, Duration.ofDays(7));
        assertThat(r.delayBefore(1)).isEqualTo(Duration.ofSeconds(60));
        assertThat(r.delayBefore(2)).isEqualTo(Duration.ofSeconds(120));
        assertThat(r.delayBefore(6)).isEqualTo(Duration.ofSeconds(1920));
        assertThat(r.delayBefore(7)).isEqualTo(Duration.ofHours(1));
        assertThat(r.delayBefore(10_000)).isEqualTo(Duration.ofHours(1));
        assertThatThrownBy(() -> r.delayBefore(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aFactorOfOneKeepsTheDelayConstant() {
        RetryConfig r = new RetryConfig(Duration.ofMinutes(5), 1.0, Duration.ofMinutes(5), 3, Duration.ofDays(1));
        assertThat(r.delayBefore(3)).isEqualTo(Duration.ofMinutes(5));
    }
}
