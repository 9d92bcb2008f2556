package org.cpmft.pf.sip;

import java.util.Optional;

import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.role.Role;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring;

/**
 * Where the servlet asks whether to keep a file for later delivery instead of failing the
 * transfer, and hands the transfer over when it does (OMA CPM 8.2.3.1, 8.3.3.1, 8.3.3.3).
 */
public interface TransferDeferral {

    /** The FT INVITE as the servlet received it. */
    record Invite(Role role, String sender, String recipient, SipHeaders headers, InviteBody body, SdpSession offer) {
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
     * @return the SDP answer for the sender
     */
    SdpSession accept(Invite invite, DeferralCause cause, MediaAnchoring.Anchor anchor);

    /**
     * The recipient accepted: prepare to take the rest of the file over if its MSRP leg drops
     * mid-transfer (DESIGN "Deferral" case 4). Called before the answer goes to the sender.
     */
    void guard(Invite invite, MediaAnchoring.Anchor anchor);

    /**
     * The recipient ended its dialog (BYE); returns whether the PF keeps the sender's transfer
     * going into the store: only when the relay already stands in for the recipient because its
     * MSRP leg dropped (otherwise the BYE aborts the transfer and is relayed).
     */
    boolean recipientLeft(Invite invite, MediaAnchoring.Anchor anchor);

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
        public SdpSession accept(Invite invite, DeferralCause cause, MediaAnchoring.Anchor anchor) {
            throw new IllegalStateException("deferral is off");
        }

        @Override
        public void guard(Invite invite, MediaAnchoring.Anchor anchor) {
        }

        @Override
        public boolean recipientLeft(Invite invite, MediaAnchoring.Anchor anchor) {
            return false;
        }
    };
}
