package org.cpmft.pf.call;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.concurrent.atomic.AtomicInteger;

import org.cpmft.pf.cpm.Samples;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.TransferDeferral;
import org.junit.jupiter.api.Test;

class TransferCallTest {

    private static final SdpSession OFFER =
            SdpSession.parse(Samples.oneFile("alice", 1, 1, "sendonly", "alice1", "a.txt", 10, "ft1"));

    private static TransferCall call(AtomicInteger released) {
        TransferDeferral.Invite invite = new TransferDeferral.Invite(Role.ORIGINATING, "sip:alice@a", "sip:bob@b",
                SipHeaders.of(java.util.Map.of()), InviteBody.ofSdp(OFFER.format()), OFFER, false);
        return new TransferCall("call-1", "up", invite, new CountingAnchor(released));
    }

    @Test
    void theTableAllowsOnlyTheDocumentedMoves() {
        assertThat(CallState.NEW.successors()).containsExactlyInAnyOrder(CallState.OFFERED, CallState.ACCEPTED_BY_PF,
                CallState.RESUMING, CallState.ENDED);
        assertThat(CallState.OFFERED.successors()).containsExactlyInAnyOrder(CallState.ANSWERED,
                CallState.ACCEPTED_BY_PF, CallState.ENDING, CallState.ENDED);
        for (CallState s : EnumSet.of(CallState.ANSWERED, CallState.ACCEPTED_BY_PF, CallState.RESUMING)) {
            assertThat(s.successors()).containsExactlyInAnyOrder(CallState.ENDING, CallState.ENDED);
        }
        assertThat(CallState.ENDING.successors()).containsExactly(CallState.ENDED);
        assertThat(CallState.ENDED.successors()).isEmpty();
        for (CallState s : CallState.values()) {
            assertThat(s.canMoveTo(CallState.NEW)).as("nothing goes back to NEW from %s", s).isFalse();
        }
    }

    @Test
    void anIllegalMoveIsRefusedAndTheCallStaysWhereItWas() {
        TransferCall c = call(new AtomicInteger());
        c.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
        c.moveTo(CallState.ANSWERED, CallEvent.RECIPIENT_ACCEPTED);
        assertThatThrownBy(() -> c.moveTo(CallState.ACCEPTED_BY_PF, CallEvent.INVITATION_EXPIRED))
                .isInstanceOf(IllegalCallTransitionException.class).hasMessageContaining("call-1")
                .hasMessageContaining("ANSWERED -> ACCEPTED_BY_PF");
        assertThat(c.state()).isEqualTo(CallState.ANSWERED);
        assertThat(c.acceptByPf(DeferralCause.INVITATION_EXPIRED, CallEvent.INVITATION_EXPIRED))
                .as("an answered call is not taken over by a late timer").isFalse();
        assertThat(c.moveTo(CallState.ANSWERED, CallEvent.RECIPIENT_ACCEPTED)).as("no move to where it is").isFalse();
    }

    @Test
    void theFirstForkThatAnswersWinsAndTheOthersAreEnded() {
        TransferCall c = call(new AtomicInteger());
        c.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
        assertThat(c.onInitialSuccess("fork-a")).isEqualTo(TransferCall.Success.RELAY);
        assertThat(c.answeredBy()).contains("fork-a");
        assertThat(c.onInitialSuccess("fork-a")).as("its retransmission").isEqualTo(TransferCall.Success.REPEAT);
        assertThat(c.onInitialSuccess("fork-b")).isEqualTo(TransferCall.Success.END_DIALOG);
        c.moveTo(CallState.ANSWERED, CallEvent.RECIPIENT_ACCEPTED);
        assertThat(c.onInitialSuccess("fork-a")).isEqualTo(TransferCall.Success.REPEAT);
        assertThat(c.onInitialSuccess("fork-c")).isEqualTo(TransferCall.Success.END_DIALOG);
        assertThat(c.onInitialFailure()).as("a failure after a 2xx won").isEqualTo(TransferCall.Failure.ABSORB);
    }

    @Test
    void onceThePfAnsweredItselfEveryRecipientAnswerIsEndedOrAbsorbed() {
        TransferCall c = call(new AtomicInteger());
        c.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
        assertThat(c.onInitialFailure()).isEqualTo(TransferCall.Failure.RELAY_OR_DEFER);
        assertThat(c.acceptByPf(DeferralCause.INVITATION_EXPIRED, CallEvent.INVITATION_EXPIRED)).isTrue();
        assertThat(c.acceptByPf(DeferralCause.TEMPORARILY_UNAVAILABLE, CallEvent.DEFERRED_ON_FAILURE))
                .as("only once").isFalse();
        assertThat(c.deferralCause()).contains(DeferralCause.INVITATION_EXPIRED);
        assertThat(c.state().pfIsPeer()).isTrue();
        assertThat(c.onInitialSuccess("late")).isEqualTo(TransferCall.Success.END_DIALOG);
        assertThat(c.onInitialFailure()).isEqualTo(TransferCall.Failure.ABSORB);
    }

    @Test
    void aCancelledCallEndsTheDialogOfA2xxThatCrossedTheCancel() {
        TransferCall c = call(new AtomicInteger());
        c.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
        c.ending(CallEvent.CANCELLED);
        assertThat(c.onInitialSuccess("fork-a")).isEqualTo(TransferCall.Success.END_DIALOG);
        assertThat(c.onInitialFailure()).as("the 487 of the cancelled leg").isEqualTo(TransferCall.Failure.ABSORB);
    }

    @Test
    void endingReleasesTheRelaySessionsOnceAndIsIdempotent() {
        AtomicInteger released = new AtomicInteger();
        TransferCall c = call(released);
        c.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
        c.ending(CallEvent.BYE_FROM_SENDER);
        c.end(CallEvent.CLOSED);
        c.end(CallEvent.CLOSED);
        c.ending(CallEvent.BYE_FROM_RECIPIENT);
        assertThat(c.state()).isEqualTo(CallState.ENDED);
        assertThat(released.get()).as("release is idempotent itself; the call asks each time").isPositive();
        AtomicInteger addedReleased = new AtomicInteger();
        c.addAnchor(new CountingAnchor(addedReleased));
        assertThat(addedReleased.get()).as("an anchor added to an ended call goes at once").isEqualTo(1);
    }

    @Test
    void theTransferIdIsTheFirstFilesAndTheLocalOfferIsTheInitialOne() {
        TransferCall c = call(new AtomicInteger());
        assertThat(c.transferId()).isEqualTo("ft1");
        assertThat(c.localOffer()).as("no local session before the PF answered").isEmpty();
        c.localAnswer(OFFER);
        assertThat(c.localOffer()).contains(OFFER);
        assertThat(new TransferCall("c", "up", null, null).transferId()).isEqualTo("-");
    }
}
