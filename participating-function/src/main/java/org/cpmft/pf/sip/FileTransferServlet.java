package org.cpmft.pf.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import javax.servlet.ServletException;
import javax.servlet.sip.B2buaHelper;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletMessage;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.SipSession;
import javax.servlet.sip.UAMode;

import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.FtDecision;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.role.RoleDecision;
import org.cpmft.pf.cpm.sdp.OfferAnswer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.cpm.sdp.SdpValidation;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.OfferlessReinvite;
import org.cpmft.pf.media.TransferDeferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PF as a back-to-back user agent for CPM File Transfer sessions (OMA CPM 8.2.3 originating,
 * 8.3.3 terminating). A thin adapter: the CPM rules ({@code org.cpmft.pf.cpm}) decide, this class
 * moves messages between the two legs and asks {@link MediaAnchoring} to put the MSRP relay into
 * the SDP.
 */
public class FileTransferServlet extends SipServlet {

    private static final long serialVersionUID = 1L;
    private static final Logger LOG = LoggerFactory.getLogger(FileTransferServlet.class);
    private static final String ANCHOR = LocalAcceptance.ANCHOR;
    private static final String ANSWERED = "cpm.ft.answered";
    private static final String ROLE = "cpm.ft.role";
    private static final String UPSTREAM = "cpm.ft.upstream";
    /**
     * Marks a re-INVITE the PF forwarded (its {@link MediaAnchoring.Reoffer} when re-anchored, its
     * {@link OfferlessReinvite} when it had no SDP); the container's isInitial() is false for forked 2xx too.
     */
    private static final String REINVITE = "cpm.ft.reinvite";
    private static final String UPSTREAM_SESSION = "cpm.ft.upstreamSession";

    /** Headers the container owns or the B2BUA must not copy between legs (JSR 289 5.4.2). */
    private static final Set<String> NOT_COPIED = Set.of("via", "from", "to", "call-id", "cseq",
            "contact", "record-route", "route", "path", "content-length", "content-type",
            "max-forwards", "rack", "rseq", "server", "user-agent", "allow", "supported", "require");
    private static final String ACCEPTED_BODIES = "application/sdp, multipart/mixed, multipart/related";

    private transient PfServices services;

    @Override
    public void init() throws ServletException {
        services = PfServices.get();
        SipRuntime.publish((javax.servlet.sip.SipFactory) getServletContext().getAttribute(SIP_FACTORY));
    }

    @Override
    protected void doRequest(SipServletRequest req) throws ServletException, IOException {
        UacHandler uac = req.isInitial() ? null : (UacHandler) req.getApplicationSession().getAttribute(UacHandler.KEY);
        if (uac != null && !"ACK".equals(req.getMethod())) {
            uac.onRequest(req);
            return;
        }
        if (req.isInitial() && !fromTrustedCore(req)) {
            reject(req, 403, "Forbidden", Warning.miscellaneous(localHost(req),
                    "Requests are accepted from the SIP/IP core only"));
            return;
        }
        String m = req.getMethod();
        if ("INVITE".equals(m) || "ACK".equals(m) || "BYE".equals(m) || "CANCEL".equals(m)
                || "REGISTER".equals(m) || "OPTIONS".equals(m)) {
            super.doRequest(req);
        } else if (req.isInitial()) {
            SipServletResponse r = req.createResponse(405, "Method Not Allowed");
            r.setHeader("Allow", "INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, UPDATE, INFO");
            sendWithServer(r);
        } else {
            forwardInDialog(req);
        }
    }

    @Override
    protected void doInvite(SipServletRequest req) throws ServletException, IOException {
        if (!req.isInitial()) {
            relayReinvite(req);
            return;
        }
        SipHeaders headers = SipHeaders.of(headerMap(req));
        RoleDecision role = services.roles().resolve(headers, poppedRoute(req));
        if (hasUnreadableBodyType(req) && FeatureTags.identify(headers).isFileTransfer()) {
            // RFC 3261 8.2.3: a body type the UAS does not understand gets 415 with Accept.
            SipServletResponse r = req.createResponse(415, "Unsupported Media Type");
            r.setHeader("Accept", ACCEPTED_BODIES);
            sendWithServer(r);
            return;
        }
        FtDecision decision = services.analyzer().get().analyze(
                new InviteDescription(headers, req.getContentType(), req.getRawContent(), false));
        if (decision instanceof FtDecision.Reject r) {
            LOG.info("INVITE {} refused {}: {}", req.getCallId(), r.status(), r.logReason());
            services.listeners().forEach(l -> l.inviteRejected(r.status()));
            reject(req, r.status(), r.reasonPhrase(), r.warning().orElse(null));
            return;
        }
        FtDecision.Forward forward = (FtDecision.Forward) decision;
        SipApplicationSession app = req.getApplicationSession();
        req.getSession().setAttribute(UPSTREAM, Boolean.TRUE);
        app.setAttribute(UPSTREAM_SESSION, req.getSession().getId());
        app.setAttribute(ROLE, role.role().name());
        InviteBody body = forward.body();
        MediaAnchoring.Anchor anchor = null;
        if (forward.isFileTransfer()) {
            SdpSession offer = forward.sdp().orElseThrow();
            try {
                anchor = services.media().anchorOffer(offer, offer.msrpStreams());
            } catch (IllegalArgumentException e) {
                reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(localHost(req), e.getMessage()));
                return;
            }
            body = body.withSdp(anchor.forwardedOffer().format());
            app.setAttribute(ANCHOR, anchor);
            TransferDeferral.Invite invite = new TransferDeferral.Invite(role.role(), req.getFrom().getURI().toString(),
                    req.getTo().getURI().toString(), headers, forward.body(), offer, false);
            app.setAttribute(LocalAcceptance.INVITE, invite);
            Optional<DeferralCause> cause = services.deferral().atOnce(invite);
            if (cause.isPresent() && LocalAcceptance.accept(services, req, cause.get())) {
                return;
            }
        }
        SipServletRequest out;
        try {
            out = req.getB2buaHelper().createRequest(req, true, Map.of());
            ContactFeatureTags.copy(req, out);
        } catch (RuntimeException | ServletParseException e) {
            if (anchor != null) {
                anchor.release();
            }
            throw e;
        }
        if (!body.isEmpty()) {
            out.setContent(body.bytes(), body.contentTypeValue());
        }
        if (out.getHeader("Route") == null) {
            // No Route left by the core: the outbound proxy as an explicit Route, so the container
            // does not look up the Request-URI's domain (DNS SRV, blocking) for every forwarded INVITE.
            OutboundProxyRoute.push(SipRuntime.factory(), out);
        }
        out.send();
        TransferDeferral.Invite invite = (TransferDeferral.Invite) app.getAttribute(LocalAcceptance.INVITE);
        if (invite != null && !services.invitationTimeout().isZero()
                && services.deferral().onInvitationTimeout(invite).isPresent()) {
            app.setAttribute(InvitationTimer.UPSTREAM_INVITE, req);
            app.setAttribute(InvitationTimer.DOWNSTREAM_INVITE, out);
            InvitationTimer.start(getServletContext(), app, services.invitationTimeout());
        }
    }

    /**
     * A re-INVITE in an anchored FT dialog, from either side: the offer is checked like an initial
     * one (CPM 7.4.1 2.b.i) and re-anchored per m-line (same file-transfer-id: same relay pair and
     * a=path; new id: a new pair; port 0: the pair goes once the 2xx arrives). Without SDP the 2xx
     * brings the offer and the ACK the answer ({@link OfferlessReinvite}). Anything else in the dialog
     * (no anchor, deferred) is relayed as it is.
     */
    private void relayReinvite(SipServletRequest req) throws IOException {
        SipApplicationSession app = req.getApplicationSession();
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) app.getAttribute(ANCHOR);
        if (anchor == null || app.getAttribute(LocalAcceptance.DEFERRED) != null) {
            forwardInDialog(req);
            return;
        }
        FtDecision decision = services.analyzer().get().analyzeInDialog(
                new InviteDescription(SipHeaders.of(headerMap(req)), req.getContentType(), req.getRawContent(), false));
        if (decision instanceof FtDecision.Reject r) {
            LOG.info("re-INVITE {} refused {}: {}", req.getCallId(), r.status(), r.logReason());
            reject(req, r.status(), r.reasonPhrase(), r.warning().orElse(null));
            return;
        }
        FtDecision.Forward forward = (FtDecision.Forward) decision;
        MediaAnchoring.Side from = isUpstream(req) ? MediaAnchoring.Side.UPSTREAM : MediaAnchoring.Side.DOWNSTREAM;
        if (forward.sdp().isEmpty()) {
            relayOfferless(req, anchor, from.other());
            return;
        }
        MediaAnchoring.Reoffer reoffer;
        try {
            reoffer = anchor.reoffer(forward.sdp().get(), from);
        } catch (IllegalArgumentException e) {
            reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(localHost(req), e.getMessage()));
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
            offerless = OfferlessReinvite.start(anchor, to, services.analyzer().get(), localHost(req));
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

    @Override
    protected void doAck(SipServletRequest req) throws ServletException, IOException {
        SipSession linked = req.getB2buaHelper().getLinkedSession(req.getSession());
        if (linked == null) {
            return;
        }
        for (SipServletMessage m : req.getB2buaHelper().getPendingMessages(linked, UAMode.UAC)) {
            if (m instanceof SipServletResponse r && "INVITE".equals(r.getMethod())
                    && r.getStatus() >= 200 && r.getStatus() < 300 && answers(r, req) && !acknowledge(r, req)) {
                endBothLegs(req.getSession(), linked);
            }
        }
    }

    /**
     * Whether {@code r} answers the INVITE that {@code ack} acknowledges. An ACK overtaken by the
     * sender's next re-INVITE (UDP, one thread each) arrives when that re-INVITE's 2xx may be pending
     * too; it must not acknowledge it, least of all with its body in place of the answer.
     */
    private static boolean answers(SipServletResponse r, SipServletRequest ack) {
        SipServletRequest upstream = ack.getB2buaHelper().getLinkedSipServletRequest(r.getRequest());
        return upstream == null || cseqNumber(upstream).equals(cseqNumber(ack));
    }

    private static String cseqNumber(SipServletRequest req) {
        String cseq = req.getHeader("CSeq");
        return cseq == null ? "" : cseq.trim().split("\\s+")[0];
    }

    /**
     * ACKs a 2xx of the other leg with the body of the sender's ACK ({@code senderAck}; null when the
     * sender's BYE overtook it). When that 2xx carried the offer of a re-INVITE without SDP, the ACK
     * carries the answer, anchored ({@link OfferlessReinvite#answer}). Returns false when the answer
     * was unusable: the ACK then refuses every stream and the session must end (RFC 3261 13.2.2.4).
     */
    private boolean acknowledge(SipServletResponse r, SipServletRequest senderAck) throws IOException {
        SipServletRequest ack = r.createAck();
        if (!(r.getRequest().getAttribute(REINVITE) instanceof OfferlessReinvite offerless)) {
            if (senderAck != null) {
                copyBody(senderAck, ack);
            }
            ack.send();
            return true;
        }
        OfferlessReinvite.Outcome outcome = senderAck == null ? offerless.answer(null, null)
                : offerless.answer(senderAck.getContentType(), senderAck.getRawContent());
        if (outcome instanceof OfferlessReinvite.End end) {
            LOG.warn("re-INVITE {}: unusable SDP answer in the ACK: {}", r.getCallId(), end.reason());
            setBody(ack, end.ackAnswer());
            ack.send();
            return false;
        }
        OfferlessReinvite.Relay relay = (OfferlessReinvite.Relay) outcome;
        setBody(ack, relay.body());
        ack.send();
        for (int i = 0; i < relay.newTransfers(); i++) {
            services.listeners().forEach(SipEventListener::transferReoffered);
        }
        return true;
    }

    /** The PF ends the session itself: BYE on both legs, relay sessions freed. */
    private static void endBothLegs(SipSession one, SipSession other) throws IOException {
        SipApplicationSession app = one.getApplicationSession();
        releaseAnchor(app);
        for (SipSession leg : List.of(one, other)) {
            if (leg.isValid() && leg.getState() == SipSession.State.CONFIRMED) {
                leg.createRequest("BYE").send();
            }
        }
        endsSoon(app);
    }

    private static void setBody(SipServletMessage m, Optional<InviteBody> body) throws IOException {
        if (body.isPresent() && !body.get().isEmpty()) {
            m.setContent(body.get().bytes(), body.get().contentTypeValue());
        }
    }

    @Override
    protected void doBye(SipServletRequest req) throws ServletException, IOException {
        SipApplicationSession app = req.getApplicationSession();
        if (!isUpstream(req) && app.getAttribute(LocalAcceptance.DEFERRED) == null) {
            recipientDeclined(app);
        }
        // Ends this transfer only: a chat session sharing its Conversation-ID is another dialog.
        releaseAnchor(req.getApplicationSession());
        endsSoon(app);
        if (req.getApplicationSession().getAttribute(LocalAcceptance.DEFERRED) != null
                && isUpstream(req)) {
            // The PF is the sender's peer now; the recipient leg ended when the transfer was deferred.
            sendWithServer(req.createResponse(200));
            return;
        }
        try {
            forwardInDialog(req);
        } catch (IllegalStateException | IllegalArgumentException e) { // the container's ways of saying so
            // The other leg cannot carry the BYE (its dialog is gone or half-made after a race of
            // retransmissions): the sender still gets its 200, the other leg ends with the application session.
            LOG.info("BYE {} not relayed: {}", req.getCallId(), e.getMessage());
            if (!req.isCommitted()) {
                sendWithServer(req.createResponse(200));
            }
        }
    }

    /**
     * The call is over: the application session normally goes at once (invalidate-when-ready, the
     * default of a v1.1 application) once both legs' BYE transactions end; if a race of
     * retransmissions left a dialog half-made, it expires within a minute instead of session-timeout.
     */
    private static void endsSoon(SipApplicationSession app) {
        if (app.isValid()) { // both calls throw on an application session already invalidated
            app.setInvalidateWhenReady(true);
            app.setExpires(1);
        }
    }

    private void recipientDeclined(SipApplicationSession app) {
        TransferDeferral.Invite invite = (TransferDeferral.Invite) app.getAttribute(LocalAcceptance.INVITE);
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) app.getAttribute(ANCHOR);
        if (invite != null && anchor != null) {
            services.deferral().recipientDeclined(invite, anchor);
        }
    }

    /** Whether the request came on the sender's leg (the one the initial INVITE arrived on). */
    private static boolean isUpstream(SipServletRequest req) {
        return req.getSession().getAttribute(UPSTREAM) != null;
    }

    @Override
    protected void doCancel(SipServletRequest req) throws ServletException, IOException {
        B2buaHelper helper = req.getB2buaHelper();
        SipSession linked = helper.getLinkedSession(req.getSession());
        releaseAnchor(req.getApplicationSession());
        if (linked == null) {
            return;
        }
        SipServletRequest cancel = helper.createCancel(linked);
        // RFC 3326: the Reason (e.g. "Call completed elsewhere") travels with the CANCEL.
        for (Iterator<String> reasons = req.getHeaders("Reason"); reasons.hasNext(); ) {
            cancel.addHeader("Reason", reasons.next());
        }
        cancel.send();
    }

    @Override
    protected void doRegister(SipServletRequest req) throws ServletException, IOException {
        int expires = req.getExpires();
        List<String> contacts = values(req, "Contact");
        ThirdPartyRegisterView view = new ThirdPartyRegisterView(req.getHeader("To"), req.getHeader("From"),
                expires, contacts, req.getContentType(), req.getRawContent(), headerMap(req));
        services.listeners().forEach(l -> l.thirdPartyRegister(view));
        SipServletResponse ok = req.createResponse(200);
        if (expires >= 0) {
            ok.setExpires(expires);
        }
        sendWithServer(ok);
    }

    @Override
    protected void doOptions(SipServletRequest req) throws ServletException, IOException {
        SipServletResponse ok = req.createResponse(200);
        ok.setHeader("Allow", "INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, UPDATE, INFO");
        ok.setHeader("Accept", "application/sdp, multipart/mixed");
        sendWithServer(ok);
    }

    @Override
    protected void doResponse(SipServletResponse resp) throws ServletException, IOException {
        if (resp.getStatus() == 100 || "CANCEL".equals(resp.getMethod())) {
            return;
        }
        UacHandler uac = (UacHandler) resp.getApplicationSession().getAttribute(UacHandler.KEY);
        if (uac != null) {
            uac.onResponse(resp);
            return;
        }
        if ("INVITE".equals(resp.getMethod())) {
            relayInviteResponse(resp);
            return;
        }
        SipServletRequest upstream = resp.getRequest().getB2buaHelper()
                .getLinkedSipServletRequest(resp.getRequest());
        if (upstream == null) {
            return;
        }
        SipServletResponse out = upstream.createResponse(resp.getStatus(), resp.getReasonPhrase());
        copyHeaders(resp, out);
        copyBody(resp, out);
        sendWithServer(out);
    }

    private void relayInviteResponse(SipServletResponse resp) throws IOException {
        B2buaHelper helper = resp.getRequest().getB2buaHelper();
        SipApplicationSession app = resp.getApplicationSession();
        SipSession upstreamSession = upstreamOf(helper, resp);
        boolean success = resp.getStatus() >= 200 && resp.getStatus() < 300;
        SipRuntime.setupAnswered(upstreamSession); // overload control: the far end has answered
        Object reinvite = resp.getRequest().getAttribute(REINVITE);
        boolean initial = reinvite == null;
        MediaAnchoring.Reoffer reoffer = reinvite instanceof MediaAnchoring.Reoffer r ? r : null;
        OfferlessReinvite offerless = reinvite instanceof OfferlessReinvite o ? o : null;
        if (resp.getStatus() >= 300) {
            // A failed re-INVITE leaves the session as it was (RFC 3264 section 8).
            abandon(reinvite);
        }
        if (resp.getStatus() >= 200) {
            InvitationTimer.cancel(app);
        }
        if (app.getAttribute(LocalAcceptance.DEFERRED) != null) {
            // The PF answered the sender itself; this leg only has to end cleanly.
            if (success) {
                resp.createAck().send();
                resp.getSession().createRequest("BYE").send();
            }
            return;
        }
        if (initial && resp.getStatus() >= 300 && deferOnFailure(resp)) {
            return;
        }
        Object answeredBy = app.getAttribute(ANSWERED);
        if (success && initial && resp.getSession().getId().equals(answeredBy)) {
            // The answering fork repeats its 2xx until the sender's ACK is relayed: nothing to do.
            return;
        }
        if (success && !initial && resp.getRequest().getAttribute(ANSWERED) != null) {
            // A repeated 2xx to a re-INVITE already relayed: the sender's ACK acknowledges it.
            return;
        }
        if (success && initial && (upstreamSession == null || answeredBy != null)) {
            // A 2xx from another fork after the first one won: end that dialog (RFC 3261 13.2.2.4).
            LOG.info("INVITE {}: late 2xx from another fork, ACK and BYE", resp.getCallId());
            resp.createAck().send();
            resp.getSession().createRequest("BYE").send();
            return;
        }
        if (upstreamSession == null) {
            return;
        }
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) app.getAttribute(ANCHOR);
        SipServletResponse out = helper.createResponseToOriginalRequest(upstreamSession,
                resp.getStatus(), resp.getReasonPhrase());
        copyHeaders(resp, out);
        if (success) {
            if (initial) {
                app.setAttribute(ANSWERED, resp.getSession().getId());
                linkWinningFork(helper, upstreamSession, resp.getSession());
            } else {
                resp.getRequest().setAttribute(ANSWERED, Boolean.TRUE);
            }
            try {
                ContactFeatureTags.copy(resp, out);
            } catch (ServletParseException | IllegalStateException e) {
                LOG.debug("Contact parameters of the answer not copied: {}", e.toString());
            }
            if (reoffer != null) {
                Optional<String> failure = anchorReanswer(resp, reoffer, out);
                if (failure.isPresent()) {
                    LOG.warn("re-INVITE {}: unusable SDP answer: {}", resp.getCallId(), failure.get());
                    // The offerer's session stays as it was; the far end's 2xx is only acknowledged.
                    reoffer.abandon();
                    resp.createAck().send();
                    refuseAnswer(helper, upstreamSession, resp, failure.get());
                    return;
                }
            } else if (offerless != null) {
                if (!anchorOfferIn2xx(resp, offerless, out, helper, upstreamSession)) {
                    return;
                }
            } else if (anchor != null && initial) {
                Optional<String> failure = anchorAnswer(resp, anchor, out);
                if (failure.isPresent()) {
                    LOG.warn("INVITE {}: unusable SDP answer: {}", resp.getCallId(), failure.get());
                    resp.createAck().send();
                    resp.getSession().createRequest("BYE").send();
                    releaseAnchor(app);
                    refuseAnswer(helper, upstreamSession, resp, failure.get());
                    return;
                }
            } else {
                copyBody(resp, out);
            }
        } else if (resp.getStatus() >= 300) {
            if (initial) {
                releaseAnchor(app);
            }
            copyBody(resp, out);
        }
        // Provisional responses go without SDP: an early answer would expose the far end's path.
        sendWithServer(out);
        if (success && initial) {
            services.listeners().forEach(SipEventListener::transferEstablished);
        }
    }

    private void refuseAnswer(B2buaHelper helper, SipSession upstreamSession, SipServletResponse resp, String failure)
            throws IOException {
        refuse(helper, upstreamSession, resp, "Unusable SDP answer: " + failure);
    }

    private void refuse(B2buaHelper helper, SipSession upstreamSession, SipServletResponse resp, String warning)
            throws IOException {
        SipServletResponse refusal = helper.createResponseToOriginalRequest(upstreamSession, 488, "Not Acceptable Here");
        refusal.setHeader("Warning", Warning.miscellaneous(localHost(resp), warning).headerValue());
        sendWithServer(refusal);
    }

    /**
     * The 2xx to a re-INVITE without SDP carries the offer (RFC 3261 14.1): anchored into {@code out}.
     * An unusable offer cannot be refused: the PF ACKs it with an answer refusing every stream and
     * sends BYE (RFC 3261 13.2.2.4); the re-INVITE's sender gets 488 and a BYE too. Returns whether
     * {@code out} is to be sent.
     */
    private boolean anchorOfferIn2xx(SipServletResponse resp, OfferlessReinvite offerless, SipServletResponse out,
                                     B2buaHelper helper, SipSession upstreamSession) throws IOException {
        OfferlessReinvite.Outcome outcome = offerless.offer(new InviteDescription(SipHeaders.of(headerMap(resp)),
                resp.getContentType(), resp.getRawContent(), false));
        if (outcome instanceof OfferlessReinvite.Relay relay) {
            setBody(out, relay.body());
            return true;
        }
        OfferlessReinvite.End end = (OfferlessReinvite.End) outcome;
        LOG.warn("re-INVITE {}: unusable SDP offer in the 2xx: {}", resp.getCallId(), end.reason());
        SipServletRequest ack = resp.createAck();
        setBody(ack, end.ackAnswer());
        ack.send();
        refuse(helper, upstreamSession, resp, "Unusable SDP offer in the 2xx: " + end.reason());
        endBothLegs(resp.getSession(), upstreamSession);
        return false;
    }

    /** A 480/408 of the recipient side becomes a deferred transfer when the rules say so. */
    private boolean deferOnFailure(SipServletResponse resp) throws IOException {
        SipApplicationSession app = resp.getApplicationSession();
        TransferDeferral.Invite invite = (TransferDeferral.Invite) app.getAttribute(LocalAcceptance.INVITE);
        if (invite == null) {
            return false;
        }
        Optional<DeferralCause> cause = services.deferral().onFinalResponse(invite, resp.getStatus());
        if (cause.isEmpty()) {
            return false;
        }
        SipServletRequest upstream = resp.getRequest().getB2buaHelper().getLinkedSipServletRequest(resp.getRequest());
        return upstream != null && LocalAcceptance.accept(services, upstream, cause.get());
    }

    /**
     * The sender's session for a response from any fork. The container would open one upstream
     * early dialog per downstream fork, but the SIP stack sends a 2xx only with the To tag of the
     * first early dialog of a server transaction ("Tag mismatch"), so a 2xx from any other fork
     * could never be relayed. Every fork is therefore relayed on the original upstream dialog:
     * the sender sees each provisional and one dialog, the forking stays behind the B2BUA.
     */
    private static SipSession upstreamOf(B2buaHelper helper, SipServletResponse resp) {
        SipApplicationSession app = resp.getApplicationSession();
        Object id = app.getAttribute(UPSTREAM_SESSION);
        SipSession original = id == null ? null : app.getSipSession((String) id);
        if (original != null && original.isValid() && resp.getRequest().getAttribute(REINVITE) == null) {
            return original;
        }
        return helper.getLinkedSession(resp.getSession());
    }

    /** In-dialog requests (ACK, BYE) of the sender go to the fork that answered. */
    private static void linkWinningFork(B2buaHelper helper, SipSession upstream, SipSession winner) {
        if (winner.equals(helper.getLinkedSession(upstream))) {
            return;
        }
        try {
            helper.unlinkSipSessions(upstream);
        } catch (IllegalArgumentException notLinked) {
            // nothing to undo
        }
        helper.linkSipSessions(upstream, winner);
    }

    /** Puts the relay into the answer; returns what is wrong with the answer, if anything. */
    private Optional<String> anchorAnswer(SipServletResponse resp, MediaAnchoring.Anchor anchor,
                                                 SipServletResponse out) throws IOException {
        try {
            Optional<String> sdp = InviteBody.parse(resp.getContentType(), resp.getRawContent()).sdp();
            if (sdp.isEmpty()) {
                return Optional.of("no SDP answer in the 2xx");
            }
            SdpSession answer = SdpSession.parse(sdp.get());
            SdpValidation v = OfferAnswer.validateFileTransferAnswer(anchor.forwardedOffer(), answer);
            if (!v.blocking().isEmpty()) {
                return Optional.of(v.blocking().get(0).message());
            }
            v.problems().forEach(p -> LOG.info("INVITE {}: SDP answer: {}", resp.getCallId(), p.message()));
            SdpSession anchored = anchor.anchorAnswer(answer);
            TransferDeferral.Invite invite = (TransferDeferral.Invite) resp.getApplicationSession()
                    .getAttribute(LocalAcceptance.INVITE);
            if (invite != null) {
                // the accepting device (seed 002 4.2): where a deferred rest of the file goes
                services.deferral().guard(invite, anchor, SipInstance.fromContact(resp.getHeader("Contact"))
                        .map(SipInstance::urn));
            }
            out.setContent(InviteBody.ofSdp(anchored.format()).bytes(), "application/sdp");
            return Optional.empty();
        } catch (IllegalArgumentException e) { // BodyException, SdpSyntaxException and the anchoring's
            return Optional.of(e.getMessage());
        }
    }

    /** Puts the relay into the answer to a re-offer; returns what is wrong with the answer, if anything. */
    private Optional<String> anchorReanswer(SipServletResponse resp, MediaAnchoring.Reoffer reoffer,
                                            SipServletResponse out) throws IOException {
        try {
            Optional<String> sdp = InviteBody.parse(resp.getContentType(), resp.getRawContent()).sdp();
            if (sdp.isEmpty()) {
                return Optional.of("no SDP answer in the 2xx to a re-INVITE with an offer");
            }
            SdpSession answer = SdpSession.parse(sdp.get());
            SdpValidation v = OfferAnswer.validateFileTransferAnswer(reoffer.forwardedOffer(), answer);
            if (!v.blocking().isEmpty()) {
                return Optional.of(v.blocking().get(0).message());
            }
            v.problems().forEach(p -> LOG.info("re-INVITE {}: SDP answer: {}", resp.getCallId(), p.message()));
            SdpSession anchored = reoffer.anchorAnswer(answer);
            int newFiles = reoffer.changes().newTransfersAccepted(answer).size();
            for (int i = 0; i < newFiles; i++) {
                services.listeners().forEach(SipEventListener::transferReoffered);
            }
            out.setContent(InviteBody.ofSdp(anchored.format()).bytes(), "application/sdp");
            return Optional.empty();
        } catch (IllegalArgumentException e) { // BodyException, SdpSyntaxException and the anchoring's
            return Optional.of(e.getMessage());
        } catch (IllegalStateException e) { // the session was released (BYE) while the re-INVITE was out
            return Optional.of(e.getMessage());
        }
    }

    private void forwardInDialog(SipServletRequest req) throws IOException {
        forwardInDialog(req, null, null);
    }

    /**
     * Relays an in-dialog request to the linked leg, with {@code body} instead of the received one
     * when given; {@code reinvite} (a {@link MediaAnchoring.Reoffer} or an {@link OfferlessReinvite})
     * rides on a forwarded re-INVITE until its final response.
     */
    private void forwardInDialog(SipServletRequest req, InviteBody body, Object reinvite) throws IOException {
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
            copyBody(req, out);
        } else if (!body.isEmpty()) {
            out.setContent(body.bytes(), body.contentTypeValue());
        }
        out.send();
    }

    private static void abandon(Object reinvite) {
        if (reinvite instanceof MediaAnchoring.Reoffer r) {
            r.abandon();
        } else if (reinvite instanceof OfferlessReinvite o) {
            o.abandon();
        }
    }

    private static void releaseAnchor(SipApplicationSession app) {
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) app.getAttribute(ANCHOR);
        if (anchor != null) {
            anchor.release();
            app.removeAttribute(ANCHOR);
        }
    }

    /** A body whose type is neither SDP nor multipart; a malformed Content-Type is left to the analyzer (400). */
    private static boolean hasUnreadableBodyType(SipServletRequest req) {
        String type = req.getContentType();
        if (type == null || req.getContentLength() <= 0) {
            return false;
        }
        try {
            ContentType ct = ContentType.parse(type);
            return !ct.is(ContentType.SDP) && !ct.isMultipart();
        } catch (IllegalArgumentException malformed) {
            return false;
        }
    }

    private boolean fromTrustedCore(SipServletRequest req) {
        try {
            return services.trustedCore().test(InetAddress.getByName(req.getInitialRemoteAddr()));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String poppedRoute(SipServletRequest req) {
        return req.getPoppedRoute() == null ? null : req.getPoppedRoute().toString();
    }

    private static Map<String, List<String>> headerMap(SipServletMessage m) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Iterator<String> names = m.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            map.put(name, values(m, name));
        }
        return map;
    }

    private static List<String> values(SipServletMessage m, String name) {
        List<String> out = new ArrayList<>();
        for (Iterator<String> it = m.getHeaders(name); it.hasNext(); ) {
            out.add(it.next());
        }
        return out;
    }

    private static void copyHeaders(SipServletMessage from, SipServletMessage to) {
        for (Iterator<String> names = from.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            if (NOT_COPIED.contains(name.toLowerCase(Locale.ROOT))) {
                continue;
            }
            to.removeHeader(name);
            for (Iterator<String> values = from.getHeaders(name); values.hasNext(); ) {
                to.addHeader(name, values.next());
            }
        }
    }

    private static void copyBody(SipServletMessage from, SipServletMessage to) throws IOException {
        if (from.getContentLength() > 0 && from.getRawContent() != null) {
            to.setContent(from.getRawContent(), from.getContentType());
        }
    }

    private void reject(SipServletRequest req, int status, String reason, Warning warning) throws IOException {
        SipServletResponse r = req.createResponse(status, reason);
        if (warning != null) {
            r.setHeader("Warning", warning.headerValue());
        }
        sendWithServer(r);
    }

    private void sendWithServer(SipServletResponse r) throws IOException {
        r.setHeader("Server", services.serverHeader());
        r.send();
    }

    private static String localHost(SipServletMessage m) {
        String addr = m.getLocalAddr();
        return addr == null ? "pf" : addr;
    }
}
