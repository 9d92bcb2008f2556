package org.cpmft.pf.sip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.cpmft.msrp.relay.RelaySessionPair;
import org.cpmft.pf.call.LocalReoffer;
import org.cpmft.pf.call.TransferCall;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.FtDecision;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.TransferDeferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A re-INVITE in a dialog the PF answered itself ({@link LocalReoffer}): the PF is the UAS. New
 * files pushed are taken into the store like the first ones (same cause), kept ones go on, closed
 * ones end; a re-INVITE without SDP gets the session in force as the 2xx's offer (RFC 3261 14.2),
 * which the ACK answers unchanged.
 */
final class LocalReinvite {

    private static final Logger LOG = LoggerFactory.getLogger(LocalReinvite.class);

    private LocalReinvite() {
    }

    static void answer(PfServices services, TransferCall call, SipServletRequest req) throws IOException {
        Optional<SdpSession> offer = call.localOffer();
        Optional<SdpSession> answer = call.localAnswer();
        if (offer.isEmpty() || answer.isEmpty() || !call.isUpstream(req.getSession().getId())) {
            respond(services, req, 488, "Not Acceptable Here", "No session to change");
            return;
        }
        FtDecision decision = services.analyzer().get().analyzeInDialog(new InviteDescription(
                SipHeaders.of(SipMessages.headerMap(req)), req.getContentType(), req.getRawContent(), false));
        if (decision instanceof FtDecision.Reject r) {
            LOG.info("re-INVITE {} refused {}: {}", req.getCallId(), r.status(), r.logReason());
            SipServletResponse out = req.createResponse(r.status(), r.reasonPhrase());
            r.warning().ifPresent(w -> out.setHeader("Warning", w.headerValue()));
            send(services, out);
            return;
        }
        Optional<SdpSession> newOffer = ((FtDecision.Forward) decision).sdp();
        if (newOffer.isEmpty()) {
            ok(services, req, offerAgain(answer.get()));
            return;
        }
        LocalReoffer reoffer;
        try {
            reoffer = LocalReoffer.of(offer.get(), answer.get(), newOffer.get());
        } catch (IllegalArgumentException e) {
            respond(services, req, 488, "Not Acceptable Here", e.getMessage());
            return;
        }
        // The streams a re-offer closes or replaces were carried by the relay sessions the call had before it.
        List<MediaAnchoring.Anchor> before = call.anchors();
        Optional<SdpSession> taken = Optional.empty();
        Optional<DeferralCause> cause = call.deferralCause();
        if (!reoffer.newPushes().isEmpty() && cause.isPresent() && call.invite().isPresent()) {
            MediaAnchoring.Anchor added;
            try {
                added = services.media().anchorOffer(newOffer.get(), reoffer.newPushes());
            } catch (IllegalArgumentException e) {
                respond(services, req, 488, "Not Acceptable Here", e.getMessage());
                return;
            }
            call.addAnchor(added);
            TransferDeferral.Invite first = call.invite().get();
            // The CPM headers (Conversation-ID, Contribution-ID, IMDN) are the session's, from its INVITE.
            TransferDeferral.Invite again = new TransferDeferral.Invite(first.role(), first.sender(), first.recipient(),
                    first.headers(), ((FtDecision.Forward) decision).body(), newOffer.get(), first.group());
            taken = services.deferral().accept(again, cause.get(), added);
        }
        for (int ended : reoffer.ended()) {
            before.forEach(a -> a.pair(ended).ifPresent(RelaySessionPair::close));
        }
        SdpSession localAnswer = reoffer.answer(answer.get(), taken);
        call.localSession(newOffer.get(), localAnswer);
        LOG.debug("re-INVITE {}: the PF answered itself, m-lines {}", req.getCallId(), reoffer.changes());
        ok(services, req, localAnswer);
    }

    /** The session in force as a new offer: the same answer with its origin version incremented. */
    private static SdpSession offerAgain(SdpSession answer) {
        return LocalReoffer.of(answer, answer, answer).answer(answer, Optional.of(answer));
    }

    private static void ok(PfServices services, SipServletRequest req, SdpSession sdp) throws IOException {
        SipServletResponse ok = req.createResponse(200, "OK");
        ok.setContent(sdp.format().getBytes(StandardCharsets.UTF_8), "application/sdp");
        send(services, ok);
    }

    private static void respond(PfServices services, SipServletRequest req, int status, String reason, String warning)
            throws IOException {
        SipServletResponse out = req.createResponse(status, reason);
        out.setHeader("Warning", Warning.miscellaneous(req.getLocalAddr() == null ? "pf" : req.getLocalAddr(), warning)
                .headerValue());
        send(services, out);
    }

    private static void send(PfServices services, SipServletResponse r) {
        r.setHeader("Server", services.serverHeader());
        PeerGone.send(r);
    }
}
