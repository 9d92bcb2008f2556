package org.cpmft.pf.media;

import java.util.Optional;

import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.sdp.SdpSession;

/**
 * Where the call asks whether the PF keeps a file for later delivery instead of failing the
 * transfer, serves or takes a resume itself, and hands the transfer over when it does
 * (OMA CPM 8.2.3.1, 8.3.3.1, 8.3.3.3; seed 004 7.4.5). Implemented on the store by
 * {@link StoreTransferDeferral}; no method throws for an offer the analyzer let through.
 */
public interface TransferDeferral {

    /**
     * The FT INVITE as the PF received it.
     *
     * @param group whether the Request-URI is a CPM Group Session Identity (seed 002 9.3.1): a group
     *              transfer is never deferred as a 1-1
     */
    record Invite(Role role, String sender, String recipient, SipHeaders headers, InviteBody body, SdpSession offer,
                  boolean group) {
    }

    /** What the PF does with a new offer before forwarding it. */
    sealed interface OfferDecision {
        /** Nothing of the PF's: forward to the recipient. */
        record Forward() implements OfferDecision {
        }

        /**
         * A resume the PF answers itself from its store (seed 004 7.4.5.2): a resuming sender whose
         * transfer the PF holds RECEIVING, or a resuming receiver / pull of a file the PF holds.
         * The call then asks {@link #serve}.
         */
        record Serve(String why) implements OfferDecision {
        }

        /** 488 "Not Acceptable Here" with this Warning text: an unknown, expired or changed file (7.4.5.2 ii). */
        record Refuse(String warning) implements OfferDecision {
        }

        OfferDecision FORWARD = new Forward();
    }

    /** Before forwarding: a resume or pull the PF answers from its store, refuses, or leaves to the recipient. */
    default OfferDecision onOffer(Invite invite) {
        return OfferDecision.FORWARD;
    }

    /**
     * After {@link OfferDecision.Serve}: the relay stands in on the offerer leg (writes the missing
     * octets into the stored transfer, or plays the stored file from the requested file-range).
     *
     * @return the SDP answer for the offerer; empty when the file went away meanwhile (the call answers 488)
     */
    default Optional<SdpSession> serve(Invite invite, MediaAnchoring.Anchor anchor) {
        return Optional.empty();
    }

    /** Before forwarding: the recipient is known to have no registered device. */
    Optional<DeferralCause> atOnce(Invite invite);

    /** On a final non-2xx response of the recipient side. */
    Optional<DeferralCause> onFinalResponse(Invite invite, int status);

    /** When the provider-policy invitation timer fires before a final response. */
    Optional<DeferralCause> onInvitationTimeout(Invite invite);

    /**
     * Takes the pushed files of the offer itself: the relay answers the sender and the file goes
     * into the store.
     *
     * @return the SDP answer for the sender; empty when the offer pushes nothing the PF can keep
     *         (a pull): the recipient's failure then reaches the sender
     */
    Optional<SdpSession> accept(Invite invite, DeferralCause cause, MediaAnchoring.Anchor anchor);

    /**
     * The recipient accepted: prepare to take the rest of the file over if its MSRP leg drops
     * mid-transfer (DESIGN "Deferral" case 4), for redelivery to the device that accepted.
     * Called before the answer goes to the sender.
     *
     * @param acceptingInstance the {@code +sip.instance} of the Contact of the accepting 2xx, if any
     */
    void guard(Invite invite, MediaAnchoring.Anchor anchor, Optional<String> acceptingInstance);

    /**
     * The recipient ended its dialog (BYE): a decline (CPM 7.4.3). A file the relay was taking into
     * the store because the recipient's MSRP leg had dropped is not redelivered.
     */
    void recipientDeclined(Invite invite, MediaAnchoring.Anchor anchor);

    /**
     * The sender ended the transfer (BYE or CANCEL) before a file it pushed into the store was
     * complete: the stored prefix stays resumable for the configured window, then goes.
     */
    default void senderLeft(Invite invite, MediaAnchoring.Anchor anchor) {
    }

    /** No deferral at all (the PF relays every answer as it is). */
    TransferDeferral NONE = new TransferDeferral() {
        @Override
        public Optional<DeferralCause> atOnce(Invite invite) {
            return Optional.empty();
        }

        @Override
        public Optional<DeferralCause> onFinalResponse(Invite invite, int status) {
            return Optional.empty();
        }

        @Override
        public Optional<DeferralCause> onInvitationTimeout(Invite invite) {
            return Optional.empty();
        }

        @Override
        public Optional<SdpSession> accept(Invite invite, DeferralCause cause, MediaAnchoring.Anchor anchor) {
            return Optional.empty();
        }

        @Override
        public void guard(Invite invite, MediaAnchoring.Anchor anchor, Optional<String> acceptingInstance) {
        }

        @Override
        public void recipientDeclined(Invite invite, MediaAnchoring.Anchor anchor) {
        }
    };
}
