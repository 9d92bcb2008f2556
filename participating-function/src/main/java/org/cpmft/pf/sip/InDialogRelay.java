package org.cpmft.pf.sip;

import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.Set;

import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.UAMode;

import org.cpmft.pf.call.CallEvent;
import org.cpmft.pf.call.TransferCall;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.policy.FtDecision;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.sdp.ReceivedAnswer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.AnchoredStreams;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.OfferlessReinvite;
import org.cpmft.pf.media.TransferDeferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The B2BUA inside an established call: in-dialog requests go to the linked leg, a re-INVITE of
 * either side is checked and re-anchored per m-line (or relayed without SDP, {@link OfferlessReinvite}),
 * its 2xx answer anchored, and files it adds are guarded. The call itself decides nothing here
 * that its state does not already say; {@link FileTransferServlet} dispatches into this class.
 */
final class InDialogRelay {

    private static final Logger LOG = LoggerFactory.getLogger(InDialogRelay.class);
    /** Marks a re-INVITE whose 2xx was relayed: a repeated 2xx is acknowledged by the sender's ACK. */
    static final String ANSWERED = "cpm.ft.answered";
    /**
     * Marks a re-INVITE the PF forwarded (its {@link MediaAnchoring.Reoffer} when re-anchored, its
     * {@link OfferlessReinvite} when it had no SDP); the container's isInitial() is false for forked 2xx too.
     */
    static final String REINVITE = "cpm.ft.reinvite";

    private final PfServices services;

    InDialogRelay(PfServices services) {
        this.services = services;
    }

    /**
     * A re-INVITE in an anchored FT dialog, from either side: the offer is checked like an initial
     * one (CPM 7.4.1 2.b.i) and re-anchored per m-line (same file-transfer-id: same relay pair and
     * a=path; new id: a new pair; port 0: the pair goes once the 2xx arrives). Without SDP the 2xx
     * brings the offer and the ACK the answer ({@link OfferlessReinvite}). Anything else in the dialog
     * (no anchor, deferred) is relayed as it is.
     */
    void relayReinvite(SipServletRequest req) throws IOException {
        TransferCall call = Calls.of(req.getApplicationSession());
        if (call != null && call.state().pfIsPeer()) {
            LocalReinvite.answer(services, call, req);
            return;
        }
        MediaAnchoring.Anchor anchor = call == null ? null : call.anchor().orElse(null);
        if (anchor == null) {
            forwardInDialog(req);
            return;
        }
        FtDecision decision = services.analyzer().get().analyzeInDialog(
                new InviteDescription(SipHeaders.of(SipMessages.headerMap(req)), req.getContentType(), req.getRawContent(), false));
        if (decision instanceof FtDecision.Reject r) {
            LOG.info("re-INVITE {} refused {}: {}", req.getCallId(), r.status(), r.logReason());
            reject(req, r.status(), r.reasonPhrase(), r.warning().orElse(null));
            return;
        }
        FtDecision.Forward forward = (FtDecision.Forward) decision;
        MediaAnchoring.Side from = call.isUpstream(req.getSession().getId())
                ? MediaAnchoring.Side.UPSTREAM : MediaAnchoring.Side.DOWNSTREAM;
        if (forward.sdp().isEmpty()) {
            relayOfferless(req, anchor, from.other());
            return;
        }
        MediaAnchoring.Reoffer reoffer;
        try {
            reoffer = anchor.reoffer(forward.sdp().get(), from);
        } catch (IllegalArgumentException e) {
            reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(SipMessages.localHost(req), e.getMessage()));
            return;
        } catch (IllegalStateException e) {
            // RFC 3261 section 14.2: an offer crossing one still pending.
            reject(req, 491, "Request Pending", null);
            return;
        }
        LOG.debug("re-INVITE {}: m-lines {}", req.getCallId(), reoffer.changes());
        try {
            forwardInDialog(req, forward.body().withSdp(reoffer.forwardedOffer().format()), reoffer);
        } catch (IOException | RuntimeException e) {
            reoffer.abandon();
            throw e;
        }
    }

    /** A re-INVITE without SDP (RFC 3261 14.1) goes as it is; its 2xx will bring the offer, the ACK the answer. */
    private void relayOfferless(SipServletRequest req, MediaAnchoring.Anchor anchor, MediaAnchoring.Side to)
            throws IOException {
        OfferlessReinvite offerless;
        try {
            offerless = OfferlessReinvite.start(anchor, to, services.analyzer().get(), SipMessages.localHost(req));
        } catch (IllegalStateException e) {
            // RFC 3261 section 14.2: an offer/answer exchange of the session is still open.
            reject(req, 491, "Request Pending", null);
            return;
        }
        try {
            forwardInDialog(req, null, offerless);
        } catch (IOException | RuntimeException e) {
            offerless.abandon();
            throw e;
        }
    }

    /**
     * ACKs a 2xx of the other leg with the body of the sender's ACK ({@code senderAck}; null when the
     * sender's BYE overtook it). When that 2xx carried the offer of a re-INVITE without SDP, the ACK
     * carries the answer, anchored ({@link OfferlessReinvite#answer}). Returns false when the answer
     * was unusable: the ACK then refuses every stream and the session must end (RFC 3261 13.2.2.4).
     */
    boolean acknowledge(SipServletResponse r, SipServletRequest senderAck) throws IOException {
        SipServletRequest ack = r.createAck();
        if (!(r.getRequest().getAttribute(REINVITE) instanceof OfferlessReinvite offerless)) {
            if (senderAck != null) {
                SipMessages.copyBody(senderAck, ack);
            }
            ack.send();
            return true;
        }
        OfferlessReinvite.Outcome outcome = senderAck == null ? offerless.answer(null, null)
                : offerless.answer(senderAck.getContentType(), senderAck.getRawContent());
        if (outcome instanceof OfferlessReinvite.End end) {
            LOG.warn("re-INVITE {}: unusable SDP answer in the ACK: {}", r.getCallId(), end.reason());
            SipMessages.setBody(ack, end.ackAnswer());
            ack.send();
            return false;
        }
        OfferlessReinvite.Relay relay = (OfferlessReinvite.Relay) outcome;
        SipMessages.setBody(ack, relay.body());
        ack.send();
        for (int i = 0; i < relay.newTransfers(); i++) {
            services.listeners().forEach(SipEventListener::transferReoffered);
        }
        return true;
    }

    /** The PF ends the session itself: BYE on both legs, relay sessions freed. */
    static void endBothLegs(SipSession one, SipSession other) throws IOException {
        SipApplicationSession app = one.getApplicationSession();
        TransferCall call = Calls.of(app);
        if (call != null) {
            call.ending(CallEvent.ENDED_BY_PF);
            call.end(CallEvent.ENDED_BY_PF);
        }
        for (SipSession leg : List.of(one, other)) {
            if (leg.isValid() && leg.getState() == SipSession.State.CONFIRMED) {
                leg.createRequest("BYE").send();
            }
        }
        FileTransferServlet.endsSoon(app);
    }

    void refuseAnswer(B2buaHelper helper, SipSession upstreamSession, SipServletResponse resp, String failure)
            throws IOException {
        refuse(helper, upstreamSession, resp, "Unusable SDP answer: " + failure);
    }

    private void refuse(B2buaHelper helper, SipSession upstreamSession, SipServletResponse resp, String warning)
            throws IOException {
        SipServletResponse refusal = helper.createResponseToOriginalRequest(upstreamSession, 488, "Not Acceptable Here");
        refusal.setHeader("Warning", Warning.miscellaneous(SipMessages.localHost(resp), warning).headerValue());
        sendWithServer(refusal);
    }

    /**
     * The 2xx to a re-INVITE without SDP carries the offer (RFC 3261 14.1): anchored into {@code out}.
     * An unusable offer cannot be refused: the PF ACKs it with an answer refusing every stream and
     * sends BYE (RFC 3261 13.2.2.4); the re-INVITE's sender gets 488 and a BYE too. Returns whether
     * {@code out} is to be sent.
     */
    boolean anchorOfferIn2xx(SipServletResponse resp, OfferlessReinvite offerless, SipServletResponse out,
                                     B2buaHelper helper, SipSession upstreamSession) throws IOException {
        OfferlessReinvite.Outcome outcome = offerless.offer(new InviteDescription(SipHeaders.of(SipMessages.headerMap(resp)),
                resp.getContentType(), resp.getRawContent(), false));
        if (outcome instanceof OfferlessReinvite.Relay relay) {
            SipMessages.setBody(out, relay.body());
            return true;
        }
        OfferlessReinvite.End end = (OfferlessReinvite.End) outcome;
        LOG.warn("re-INVITE {}: unusable SDP offer in the 2xx: {}", resp.getCallId(), end.reason());
        SipServletRequest ack = resp.createAck();
        SipMessages.setBody(ack, end.ackAnswer());
        ack.send();
        refuse(helper, upstreamSession, resp, "Unusable SDP offer in the 2xx: " + end.reason());
        endBothLegs(resp.getSession(), upstreamSession);
        return false;
    }

    /**
     * Files the sender added by re-INVITE are guarded like the first ones: if the recipient's MSRP
     * leg drops, the relay takes the rest into the store for the same device.
     */
    private void guardAdded(SipServletResponse resp, MediaAnchoring.Reoffer reoffer, List<Integer> added) {
        TransferCall call = Calls.of(resp.getApplicationSession());
        if (added.isEmpty() || call == null || call.invite().isEmpty() || call.anchor().isEmpty()
                || call.isUpstream(resp.getSession().getId())) {
            return; // a file the recipient offers to the sender is not the recipient's to be deferred
        }
        TransferDeferral.Invite first = call.invite().get();
        InviteBody body; // the re-INVITE as forwarded: its thumbnails travel with it
        try {
            body = InviteBody.parse(resp.getRequest().getContentType(), resp.getRequest().getRawContent());
        } catch (IllegalArgumentException | IOException e) {
            body = first.body();
        }
        TransferDeferral.Invite again = new TransferDeferral.Invite(first.role(), first.sender(), first.recipient(),
                first.headers(), body, reoffer.forwardedOffer(), first.group());
        services.deferral().guard(again, new AnchoredStreams(call.anchor().get(), Set.copyOf(added)),
                SipMessages.acceptingInstance(resp));
    }

    /** Puts the relay into the answer to a re-offer; returns what is wrong with the answer, if anything. */
    Optional<String> anchorReanswer(SipServletResponse resp, MediaAnchoring.Reoffer reoffer,
                                            SipServletResponse out) throws IOException {
        ReceivedAnswer received = ReceivedAnswer.check(reoffer.forwardedOffer(), resp.getContentType(),
                resp.getRawContent(), "no SDP answer in the 2xx to a re-INVITE with an offer");
        if (received.unusable().isPresent()) {
            return received.unusable();
        }
        received.notes().forEach(p -> LOG.info("re-INVITE {}: SDP answer: {}", resp.getCallId(), p.message()));
        SdpSession answer = received.answer().get();
        try {
            SdpSession anchored = reoffer.anchorAnswer(answer);
            List<Integer> added = reoffer.changes().newTransfersAccepted(answer);
            guardAdded(resp, reoffer, added);
            for (int i = 0; i < added.size(); i++) {
                services.listeners().forEach(SipEventListener::transferReoffered);
            }
            out.setContent(InviteBody.ofSdp(anchored.format()).bytes(), "application/sdp");
            return Optional.empty();
        } catch (IllegalArgumentException e) { // the anchoring's
            return Optional.of(e.getMessage());
        } catch (IllegalStateException e) { // the session was released (BYE) while the re-INVITE was out
            return Optional.of(e.getMessage());
        }
    }

    void forwardInDialog(SipServletRequest req) throws IOException {
        forwardInDialog(req, null, null);
    }

    /**
     * Relays an in-dialog request to the linked leg, with {@code body} instead of the received one
     * when given; {@code reinvite} (a {@link MediaAnchoring.Reoffer} or an {@link OfferlessReinvite})
     * rides on a forwarded re-INVITE until its final response.
     */
    void forwardInDialog(SipServletRequest req, InviteBody body, Object reinvite) throws IOException {
        B2buaHelper helper = req.getB2buaHelper();
        SipSession linked = helper.getLinkedSession(req.getSession());
        if (linked == null || !linked.isValid()) {
            abandon(reinvite);
            sendWithServer(req.createResponse(481, "Call/Transaction Does Not Exist"));
            return;
        }
        if (linked.getState() == SipSession.State.TERMINATED) {
            // The other leg's dialog is over (both sides sent BYE at once, or a BYE came again before
            // its 200 got through): a BYE ends this leg too (RFC 3261 15.1.2), anything else is too late.
            abandon(reinvite);
            if ("BYE".equals(req.getMethod())) {
                sendWithServer(req.createResponse(200));
            } else {
                sendWithServer(req.createResponse(481, "Call/Transaction Does Not Exist"));
            }
            return;
        }
        if ("BYE".equals(req.getMethod()) || "INVITE".equals(req.getMethod())) {
            // The sender's BYE or re-INVITE can overtake its ACK (UDP, one thread each): acknowledge
            // the 2xx first, or the stack refuses to build a BYE in a dialog whose 2xx is
            // unacknowledged, and the far end would see the re-INVITE before the ACK.
            for (SipServletMessage m : helper.getPendingMessages(linked, UAMode.UAC)) {
                if (m instanceof SipServletResponse r && "INVITE".equals(r.getMethod())
                        && r.getStatus() >= 200 && r.getStatus() < 300) {
                    acknowledge(r, null);
                }
            }
        }
        SipServletRequest out = helper.createRequest(linked, req, null);
        if ("INVITE".equals(req.getMethod())) {
            out.setAttribute(REINVITE, reinvite == null ? Boolean.TRUE : reinvite);
        }
        if (body == null) {
            SipMessages.copyBody(req, out);
        } else if (!body.isEmpty()) {
            out.setContent(body.bytes(), body.contentTypeValue());
        }
        out.send();
    }

    static void abandon(Object reinvite) {
        if (reinvite instanceof MediaAnchoring.Reoffer r) {
            r.abandon();
        } else if (reinvite instanceof OfferlessReinvite o) {
            o.abandon();
        }
    }

    private void reject(SipServletRequest req, int status, String reason, Warning warning) {
        SipServletResponse r = req.createResponse(status, reason);
        if (warning != null) {
            r.setHeader("Warning", warning.headerValue());
        }
        sendWithServer(r);
    }

    private void sendWithServer(SipServletResponse r) {
        r.setHeader("Server", services.serverHeader());
        PeerGone.send(r);
    }
}
