package org.cpmft.pf.cpm.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.OptionalLong;

import org.cpmft.pf.cpm.role.Role;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class DeferralRulesTest {

    private final DeferralRules originating = new DeferralRules(Role.ORIGINATING);

    @Test
    void temporaryFailuresDeferOnTheConfiguredSide() {
        assertThat(originating.onFinalResponse(Role.ORIGINATING, false, 480)).contains(DeferralCause.TEMPORARILY_UNAVAILABLE);
        assertThat(originating.onFinalResponse(Role.ORIGINATING, false, 408)).contains(DeferralCause.REQUEST_TIMEOUT);
        assertThat(originating.onFinalResponse(Role.TERMINATING, false, 480)).isEmpty();
        assertThat(originating.onFinalResponse(Role.ORIGINATING, true, 480)).isEmpty();
        DeferralRules terminating = new DeferralRules(Role.TERMINATING);
        assertThat(terminating.onFinalResponse(Role.TERMINATING, false, 408)).contains(DeferralCause.REQUEST_TIMEOUT);
        assertThat(terminating.deferOn()).isEqualTo(Role.TERMINATING);
    }

    @ParameterizedTest
    @ValueSource(ints = {400, 403, 404, 486, 487, 488, 500, 503, 600, 603})
    void definiteAnswersAreRelayed(int status) {
        assertThat(originating.onFinalResponse(Role.ORIGINATING, false, status)).isEmpty();
    }

    @Test
    void timeoutAndRegistration() {
        assertThat(originating.onInvitationTimeout(Role.ORIGINATING, false)).contains(DeferralCause.INVITATION_EXPIRED);
        assertThat(originating.onInvitationTimeout(Role.TERMINATING, false)).isEmpty();
        assertThat(originating.onRecipientNotRegistered(Role.ORIGINATING, false)).contains(DeferralCause.RECIPIENT_NOT_REGISTERED);
        assertThat(originating.onRecipientNotRegistered(Role.ORIGINATING, true)).isEmpty();
    }

    @Test
    void mediaDropDefersOnlyWhatIsLeft() {
        assertThat(originating.onMediaInterrupted(Role.ORIGINATING, false, 10, OptionalLong.of(100), false))
                .contains(DeferralCause.MEDIA_INTERRUPTED);
        assertThat(originating.onMediaInterrupted(Role.ORIGINATING, false, 100, OptionalLong.of(100), false)).isEmpty();
        assertThat(originating.onMediaInterrupted(Role.ORIGINATING, false, 10, OptionalLong.empty(), false))
                .contains(DeferralCause.MEDIA_INTERRUPTED);
        assertThat(originating.onMediaInterrupted(Role.ORIGINATING, false, 10, OptionalLong.empty(), true)).isEmpty();
        assertThat(originating.onMediaInterrupted(Role.TERMINATING, false, 0, OptionalLong.of(5), false)).isEmpty();
    }

    @Test
    void sideIsRequired() {
        assertThatThrownBy(() -> new DeferralRules(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aGroupTransferIsNeverDeferredOnAnyPath() {
        for (Role role : Role.values()) {
            DeferralRules rules = new DeferralRules(role);
            assertThat(rules.applies(role, true)).isFalse();
            assertThat(rules.onFinalResponse(role, true, 480)).isEmpty();
            assertThat(rules.onFinalResponse(role, true, 408)).isEmpty();
            assertThat(rules.onInvitationTimeout(role, true)).isEmpty();
            assertThat(rules.onRecipientNotRegistered(role, true)).isEmpty();
            assertThat(rules.onMediaInterrupted(role, true, 0, OptionalLong.of(100), false)).isEmpty();
            assertThat(rules.applies(role, false)).isTrue();
        }
    }
}
