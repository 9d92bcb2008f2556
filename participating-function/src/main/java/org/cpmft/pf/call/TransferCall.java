package org.cpmft.pf.call;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.TransferDeferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FT call of the B2BUA (one per SIP application session): its legs, media anchor, the
 * transfer it carries and an explicit {@link CallState}. The servlet is a dispatcher into it: it
 * asks what a message means in the current state, does the SIP part, and records the move. Every
 * transition is logged once (DEBUG, with the Call-ID and the transfer id); one the table does not
 * allow is refused. Legs are named by opaque ids (the container's SIP session ids). Thread-safe:
 * the container may run a timer and a message of one call at once.
 */
public final class TransferCall {

    private static final Logger LOG = LoggerFactory.getLogger(TransferCall.class);

    /** What an initial INVITE's 2xx means. */
    public enum Success {
        /** The first 2xx: relay it to the sender, this fork won. */
        RELAY,
        /** The winning fork repeats its 2xx until the sender's ACK is relayed: nothing to do. */
        REPEAT,
        /** Another fork already won, or the PF answered the sender itself, or the sender cancelled: ACK and BYE (RFC 3261 13.2.2.4). */
        END_DIALOG
    }

    /** What an initial INVITE's final failure means. */
    public enum Failure {
        /** Relay it to the sender unless the deferral rules take the file. */
        RELAY_OR_DEFER,
        /** The PF already answered the sender (deferral) or the call is over: nothing goes upstream. */
        ABSORB
    }

    private final String callId;
    private final String upstreamLeg;
    private final TransferDeferral.Invite invite;
    private final MediaAnchoring.Anchor anchor;
    private final String transferId;
    private CallState state = CallState.NEW;
    private String answeredBy;
    private DeferralCause cause;
    private SdpSession localOffer;
    private SdpSession localAnswer;
    /** Relay sessions of files a re-INVITE added while the PF was the sender's peer. */
    private final List<MediaAnchoring.Anchor> addedAnchors = new ArrayList<>();

    /**
     * @param invite null for a session that carries no file (e.g. a chat INVITE passed through)
     * @param anchor null when no MSRP stream is anchored
     */
    public TransferCall(String callId, String upstreamLeg, TransferDeferral.Invite invite, MediaAnchoring.Anchor anchor) {
        this.callId = Objects.requireNonNull(callId, "callId");
        this.upstreamLeg = Objects.requireNonNull(upstreamLeg, "upstreamLeg");
        this.invite = invite;
        this.anchor = anchor;
        this.transferId = invite == null ? "-" : firstFileTransferId(invite.offer());
    }

    public String callId() {
        return callId;
    }

    /** The file-transfer-id of the first file of the offer, "-" when none (log key). */
    public String transferId() {
        return transferId;
    }

    public synchronized CallState state() {
        return state;
    }

    public Optional<TransferDeferral.Invite> invite() {
        return Optional.ofNullable(invite);
    }

    public Optional<MediaAnchoring.Anchor> anchor() {
        return Optional.ofNullable(anchor);
    }

    /** Why the PF accepted the transfer itself, once it did. */
    public synchronized Optional<DeferralCause> deferralCause() {
        return Optional.ofNullable(cause);
    }

    /** The answer the PF gave the sender itself (ACCEPTED_BY_PF, RESUMING): the session a re-INVITE changes. */
    public synchronized Optional<SdpSession> localAnswer() {
        return Optional.ofNullable(localAnswer);
    }

    /** The offer of the session the PF answered itself (the initial one, then each accepted re-offer). */
    public synchronized Optional<SdpSession> localOffer() {
        return Optional.ofNullable(localOffer != null ? localOffer : localAnswer == null || invite == null ? null
                : invite.offer());
    }

    public synchronized void localAnswer(SdpSession answer) {
        this.localAnswer = Objects.requireNonNull(answer, "answer");
    }

    /** A re-offer the PF answered itself became the session. */
    public synchronized void localSession(SdpSession offer, SdpSession answer) {
        this.localOffer = Objects.requireNonNull(offer, "offer");
        this.localAnswer = Objects.requireNonNull(answer, "answer");
    }

    /** Relay sessions a re-INVITE added; released with the call. */
    public synchronized void addAnchor(MediaAnchoring.Anchor added) {
        if (state == CallState.ENDED) {
            added.release();
            return;
        }
        addedAnchors.add(Objects.requireNonNull(added, "added"));
    }

    /** Every anchor of the call, the initial one first. */
    public synchronized List<MediaAnchoring.Anchor> anchors() {
        List<MediaAnchoring.Anchor> all = new ArrayList<>();
        if (anchor != null) {
            all.add(anchor);
        }
        all.addAll(addedAnchors);
        return all;
    }

    /** Whether {@code leg} is the sender's leg (the one the initial INVITE came on). */
    public boolean isUpstream(String leg) {
        return upstreamLeg.equals(leg);
    }

    public String upstreamLeg() {
        return upstreamLeg;
    }

    /** The recipient leg whose 2xx won, once one did. */
    public synchronized Optional<String> answeredBy() {
        return Optional.ofNullable(answeredBy);
    }

    /**
     * Moves to {@code next}; false when the call is already there.
     *
     * @throws IllegalCallTransitionException when the table does not allow it
     */
    public synchronized boolean moveTo(CallState next, CallEvent event) {
        if (state == next) {
            return false;
        }
        if (!state.canMoveTo(next)) {
            throw new IllegalCallTransitionException(callId, state, next, event);
        }
        LOG.debug("call {} transfer {}: {} -> {} ({})", callId, transferId, state, next, event);
        state = next;
        return true;
    }

    /** Moves to {@code next} when the table allows it from here; returns whether it moved. */
    public synchronized boolean moveIfAllowed(CallState next, CallEvent event) {
        return state.canMoveTo(next) && moveTo(next, event);
    }

    /** The PF answers the sender itself for {@code why}: from NEW or OFFERED only, once. */
    public synchronized boolean acceptByPf(DeferralCause why, CallEvent event) {
        if (!state.canMoveTo(CallState.ACCEPTED_BY_PF)) {
            return false;
        }
        moveTo(CallState.ACCEPTED_BY_PF, event);
        cause = why;
        return true;
    }

    /** A 2xx of the initial INVITE from recipient leg {@code leg}; a RELAY makes that leg the winner. */
    public synchronized Success onInitialSuccess(String leg) {
        if (state != CallState.OFFERED) {
            return leg.equals(answeredBy) ? Success.REPEAT : Success.END_DIALOG;
        }
        if (answeredBy == null) {
            answeredBy = leg;
            return Success.RELAY;
        }
        return leg.equals(answeredBy) ? Success.REPEAT : Success.END_DIALOG;
    }

    /** A final failure (3xx-6xx) of the initial INVITE. */
    public synchronized Failure onInitialFailure() {
        return state == CallState.OFFERED && answeredBy == null ? Failure.RELAY_OR_DEFER : Failure.ABSORB;
    }

    /** Ends the call: ENDING from any live state (ENDED stays ENDED). */
    public synchronized void ending(CallEvent event) {
        moveIfAllowed(CallState.ENDING, event);
    }

    /** The call is over; releases the relay sessions. Idempotent. */
    public synchronized void end(CallEvent event) {
        moveIfAllowed(CallState.ENDED, event);
        anchors().forEach(MediaAnchoring.Anchor::release);
    }

    @Override
    public synchronized String toString() {
        return "call " + callId + " transfer " + transferId + " " + state;
    }

    private static String firstFileTransferId(SdpSession offer) {
        if (offer == null) {
            return "-";
        }
        // The raw attribute: a log key needs no RFC 5547 parse of the m-line on every call.
        for (int index : offer.fileTransferStreams()) {
            return offer.media(index).fileTransferId().orElse("-");
        }
        return "-";
    }
}
