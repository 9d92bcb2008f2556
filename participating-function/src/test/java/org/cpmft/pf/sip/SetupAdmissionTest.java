package org.cpmft.pf.sip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.cpmft.pf.sip.SetupAdmission.Limits;
import org.cpmft.pf.sip.SetupAdmission.Verdict;
import org.junit.jupiter.api.Test;

class SetupAdmissionTest {

    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    @Test
    void withoutLimitsEveryInviteIsAdmittedAndNothingIsTracked() {
        SetupAdmission a = new SetupAdmission(Limits.NONE);
        for (int i = 0; i < 10_000; i++) {
            assertThat(a.admit("c" + i, i * MS)).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(a.inProgress()).isZero();
        assertThat(a.refused()).isZero();
    }

    @Test
    void beyondTheSetupsInProgressNewInvitesAreRefusedUntilOneIsAnswered() {
        SetupAdmission a = new SetupAdmission(new Limits(2, 0, Duration.ofSeconds(5)));
        assertThat(a.admit("a", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("b", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("c", 0)).isEqualTo(Verdict.TOO_MANY_IN_PROGRESS);
        assertThat(a.refused()).isEqualTo(1);

        a.finished("a", 0);
        assertThat(a.inProgress()).isEqualTo(1);
        assertThat(a.admit("c", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.retryAfterSeconds()).isEqualTo(5);
    }

    @Test
    void aRetransmittedInviteOfAnAdmittedSetupPassesWithoutCountingTwice() {
        SetupAdmission a = new SetupAdmission(new Limits(1, 0, Duration.ofSeconds(1)));
        assertThat(a.admit("a", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("a", 500 * MS)).isEqualTo(Verdict.RETRANSMISSION);
        assertThat(a.admit("a", 500 * MS).admitted()).isTrue();
        assertThat(a.inProgress()).isEqualTo(1);
        assertThat(a.admit("b", 500 * MS).admitted()).isFalse();
    }

    @Test
    void finishingAnUnknownOrFinishedSetupChangesNothing() {
        SetupAdmission a = new SetupAdmission(new Limits(1, 0, Duration.ofSeconds(1)));
        a.admit("a", 0);
        a.finished("x", 0);
        a.finished("a", 0);
        a.finished("a", 0);
        assertThat(a.inProgress()).isZero();
    }

    @Test
    void aRetransmittedInviteOfAFinishedSetupStillPassesUntilTimerB() {
        SetupAdmission a = new SetupAdmission(new Limits(1, 0, Duration.ofSeconds(1)));
        a.admit("a", 0);
        a.finished("a", S);
        a.admit("b", S);
        assertThat(a.admit("a", 2 * S)).isEqualTo(Verdict.RETRANSMISSION);
        assertThat(a.inProgress()).isEqualTo(1);
        assertThat(a.admit("a", S + SetupAdmission.FORGET_AFTER.toNanos() + S)).isEqualTo(Verdict.ADMITTED);
    }

    @Test
    void withARateLimitAloneARetransmissionTakesNoToken() {
        SetupAdmission a = new SetupAdmission(new Limits(0, 1, Duration.ofSeconds(1)));
        assertThat(a.admit("a", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("a", 500 * MS)).isEqualTo(Verdict.RETRANSMISSION);
        a.finished("a", 600 * MS);
        assertThat(a.admit("a", 700 * MS)).isEqualTo(Verdict.RETRANSMISSION);
        assertThat(a.admit("b", 700 * MS)).isEqualTo(Verdict.RATE_EXCEEDED);
    }

    @Test
    void aSetupWhoseAnswerNeverCameStopsCountingAfterTimerH() {
        SetupAdmission a = new SetupAdmission(new Limits(1, 0, Duration.ofSeconds(1)));
        a.admit("lost", 0);
        assertThat(a.admit("b", SetupAdmission.FORGET_AFTER.toNanos() - S).admitted()).isFalse();
        assertThat(a.admit("b", SetupAdmission.FORGET_AFTER.toNanos() + S)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.inProgress()).isEqualTo(1);
    }

    @Test
    void theRateLimitAdmitsOneSecondsWorthAtOnceThenRefillsAtTheRate() {
        SetupAdmission a = new SetupAdmission(new Limits(0, 100, Duration.ofSeconds(2)));
        long now = 10 * S;
        for (int i = 0; i < 100; i++) {
            assertThat(a.admit("burst" + i, now)).isEqualTo(Verdict.ADMITTED);
        }
        assertThat(a.admit("over", now)).isEqualTo(Verdict.RATE_EXCEEDED);
        // 10 ms at 100/s refills one token.
        assertThat(a.admit("next", now + 10 * MS)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("again", now + 10 * MS)).isEqualTo(Verdict.RATE_EXCEEDED);
        // A long pause refills at most one second's worth.
        now += 60 * S;
        int admitted = 0;
        for (int i = 0; i < 300; i++) {
            if (a.admit("later" + i, now).admitted()) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(100);
        assertThat(a.refused()).isEqualTo(2 + 200);
    }

    @Test
    void bothLimitsApplyTogether() {
        SetupAdmission a = new SetupAdmission(new Limits(3, 2, Duration.ofSeconds(1)));
        assertThat(a.admit("a", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("b", 0)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("c", 0)).isEqualTo(Verdict.RATE_EXCEEDED);
        assertThat(a.admit("c", S)).isEqualTo(Verdict.ADMITTED);
        assertThat(a.admit("d", 3 * S)).isEqualTo(Verdict.TOO_MANY_IN_PROGRESS);
    }

    @Test
    void aSetupIsNamedByCallIdAndFromTag() {
        assertThat(SetupAdmission.key("abc@host", "t1")).isNotEqualTo(SetupAdmission.key("abc@host", "t2"));
    }

    @Test
    void negativeLimitsAreRefused() {
        assertThatThrownBy(() -> new Limits(-1, 0, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new Limits(0, -5, Duration.ofSeconds(1))).isInstanceOf(IllegalArgumentException.class);
    }
}
