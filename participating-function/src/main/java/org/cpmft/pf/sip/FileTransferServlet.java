package org.cpmft.pf.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.List;
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

import org.cpmft.pf.call.CallEvent;
import org.cpmft.pf.call.CallState;
import org.cpmft.pf.call.TransferCall;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.conversation.SipInstance;
import org.cpmft.pf.cpm.feature.FeatureTags;
import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.policy.FtDecision;
import org.cpmft.pf.cpm.policy.InviteAnalyzer;
import org.cpmft.pf.cpm.policy.InviteDescription;
import org.cpmft.pf.cpm.role.RoleDecision;
import org.cpmft.pf.cpm.sdp.ReceivedAnswer;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.AnchoredStreams;
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
    /** Marks a re-INVITE whose 2xx was relayed: a repeated 2xx is acknowledged by the sender's ACK. */
    private static final String ANSWERED = "cpm.ft.answered";
    /**
     * Marks a re-INVITE the PF forwarded (its {@link MediaAnchoring.Reoffer} when re-anchored, its
     * {@link OfferlessReinvite} when it had no SDP); the container's isInitial() is false for forked 2xx too.
     */
    private static final String REINVITE = "cpm.ft.reinvite";

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
            reject(req, 403, "Forbidden", Warning.miscellaneous(SipMessages.localHost(req),
                    "Requests are accepted from the SIP/IP core only"));
            return;
        }
        String m = req.getMethod();
        if ("INVITE".equals(m) || "ACK".equals(m) || "BYE".equals(m) || "CANCEL".equals(m)
                || "REGISTER".equals(m) || "OPTIONS".equals(m)) {
            super.doRequest(req);
        } else if ("MESSAGE".equals(m) && req.isInitial() && services.messages() != null) {
            services.messages().handle(req); // a client's IMDN (org.cpmft.pf.imdn)
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
        SipHeaders headers = SipHeaders.of(SipMessages.headerMap(req));
        RoleDecision role = services.roles().resolve(headers, SipMessages.poppedRoute(req));
        if (SipMessages.hasUnreadableBodyType(req) && FeatureTags.identify(headers).isFileTransfer()) {
            // RFC 3261 8.2.3: a body type the UAS does not understand gets 415 with Accept.
            SipServletResponse r = req.createResponse(415, "Unsupported Media Type");
            r.setHeader("Accept", ACCEPTED_BODIES);
            sendWithServer(r);
            return;
        }
        InviteAnalyzer analyzer = services.analyzer().get();
        // seed 002 9.3.1: a Request-URI that is a CPM Group Session Identity (or isfocus in Contact)
        boolean groupSession = analyzer.isGroupSession(headers, req.getRequestURI().toString());
        FtDecision decision = analyzer.analyze(
                new InviteDescription(headers, req.getContentType(), req.getRawContent(), groupSession));
        if (decision instanceof FtDecision.Reject r) {
            LOG.info("INVITE {} refused {}: {}", req.getCallId(), r.status(), r.logReason());
            services.listeners().forEach(l -> l.inviteRejected(r.status()));
            reject(req, r.status(), r.reasonPhrase(), r.warning().orElse(null));
            return;
        }
        FtDecision.Forward forward = (FtDecision.Forward) decision;
        SipApplicationSession app = req.getApplicationSession();
        InviteBody body = forward.body();
        TransferCall call;
        if (forward.isFileTransfer()) {
            SdpSession offer = forward.sdp().orElseThrow();
            MediaAnchoring.Anchor anchor;
            try {
                anchor = services.media().anchorOffer(offer, offer.msrpStreams());
            } catch (IllegalArgumentException e) {
                reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(SipMessages.localHost(req), e.getMessage()));
                return;
            }
            body = body.withSdp(anchor.forwardedOffer().format());
            TransferDeferral.Invite invite = new TransferDeferral.Invite(role.role(), req.getFrom().getURI().toString(),
                    req.getTo().getURI().toString(), headers, forward.body(), offer, forward.group());
            call = new TransferCall(req.getCallId(), req.getSession().getId(), invite, anchor);
            Calls.attach(app, call);
            if (answeredFromStore(req, call) || deferredAtOnce(req, call)) {
                return;
            }
        } else {
            call = new TransferCall(req.getCallId(), req.getSession().getId(), null, null);
            Calls.attach(app, call);
        }
        SipServletRequest out;
        try {
            out = req.getB2buaHelper().createRequest(req, true, Map.of());
            ContactFeatureTags.copy(req, out);
            if (!body.isEmpty()) {
                out.setContent(body.bytes(), body.contentTypeValue());
            }
            if (out.getHeader("Route") == null) {
                // No Route left by the core: the outbound proxy as an explicit Route, so the container
                // does not look up the Request-URI's domain (DNS SRV, blocking) for every forwarded INVITE.
                OutboundProxyRoute.push(SipRuntime.factory(), out);
            }
            call.moveTo(CallState.OFFERED, CallEvent.FORWARDED);
            out.send();
        } catch (RuntimeException | ServletParseException e) {
            call.end(CallEvent.REFUSED);
            throw e;
        }
        Optional<TransferDeferral.Invite> invite = call.invite();
        if (invite.isPresent() && !services.invitationTimeout().isZero()
                && services.deferral().onInvitationTimeout(invite.get()).isPresent()) {
            app.setAttribute(InvitationTimer.UPSTREAM_INVITE, req);
            app.setAttribute(InvitationTimer.DOWNSTREAM_INVITE, out);
            InvitationTimer.start(getServletContext(), app, services.invitationTimeout());
        }
    }

    /**
     * A resume or pull the PF answers itself from its store, or refuses with 488 for an unknown,
     * expired or changed file (seed 004 7.4.5.2). Returns whether the INVITE is answered.
     */
    private boolean answeredFromStore(SipServletRequest req, TransferCall call) throws IOException {
        TransferDeferral.Invite invite = call.invite().orElseThrow();
        TransferDeferral.OfferDecision decision = services.deferral().onOffer(invite);
        if (decision instanceof TransferDeferral.OfferDecision.Refuse refuse) {
            LOG.info("INVITE {} refused 488: {}", req.getCallId(), refuse.warning());
            call.end(CallEvent.REFUSED);
            reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(SipMessages.localHost(req), refuse.warning()));
            return true;
        }
        if (!(decision instanceof TransferDeferral.OfferDecision.Serve serve)) {
            return false;
        }
        Optional<SdpSession> answer = services.deferral().serve(invite, call.anchor().orElseThrow());
        if (answer.isEmpty()) {
            call.end(CallEvent.REFUSED);
            reject(req, 488, "Not Acceptable Here", Warning.miscellaneous(SipMessages.localHost(req),
                    "The requested file is no longer available"));
            return true;
        }
        call.moveTo(CallState.RESUMING, CallEvent.SERVED_FROM_STORE);
        call.localAnswer(answer.get());
        LOG.debug("INVITE {}: the PF serves it from its store ({})", req.getCallId(), serve.why());
        LocalAcceptance.answer(services, req, answer.get());
        return true;
    }

    /** The recipient is known to have no device: the PF takes the file at once (CPM 8.2.3.1 1.a). */
    private boolean deferredAtOnce(SipServletRequest req, TransferCall call) throws IOException {
        Optional<DeferralCause> cause = services.deferral().atOnce(call.invite().orElseThrow());
        return cause.isPresent() && LocalAcceptance.accept(services, call, req, cause.get(), CallEvent.DEFERRED_AT_ONCE);
    }

    /**
     * A re-INVITE in an anchored FT dialog, from either side: the offer is checked like an initial
     * one (CPM 7.4.1 2.b.i) and re-anchored per m-line (same file-transfer-id: same relay pair and
     * a=path; new id: a new pair; port 0: the pair goes once the 2xx arrives). Without SDP the 2xx
     * brings the offer and the ACK the answer ({@link OfferlessReinvite}). Anything else in the dialog
     * (no anchor, deferred) is relayed as it is.
     */
    private void relayReinvite(SipServletRequest req) throws IOException {
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
        return upstream == null || SipMessages.cseqNumber(upstream).equals(SipMessages.cseqNumber(ack));
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
    private static void endBothLegs(SipSession one, SipSession other) throws IOException {
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
        endsSoon(app);
    }

    @Override
    protected void doBye(SipServletRequest req) throws ServletException, IOException {
        SipApplicationSession app = req.getApplicationSession();
        TransferCall call = Calls.of(app);
        boolean fromSender = call == null || call.isUpstream(req.getSession().getId());
        if (call != null) {
            // Ends this transfer only: a chat session sharing its Conversation-ID is another dialog.
            TransferDeferral.Invite invite = call.invite().orElse(null);
            MediaAnchoring.Anchor anchor = call.anchor().orElse(null);
            if (invite != null && anchor != null) {
                if (fromSender) {
                    services.deferral().senderLeft(invite, anchor);
                } else {
                    // CPM 7.4.3: the recipient aborts; a file the relay was storing is not redelivered.
                    services.deferral().recipientDeclined(invite, anchor);
                }
            }
            boolean pfWasPeer = call.state().pfIsPeer();
            call.ending(fromSender ? CallEvent.BYE_FROM_SENDER : CallEvent.BYE_FROM_RECIPIENT);
            call.end(fromSender ? CallEvent.BYE_FROM_SENDER : CallEvent.BYE_FROM_RECIPIENT);
            if (pfWasPeer) {
                // The PF is the sender's peer; the recipient leg ended when the PF took the transfer.
                endsSoon(app);
                sendWithServer(req.createResponse(200));
                return;
            }
        }
        endsSoon(app);
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

    @Override
    protected void doCancel(SipServletRequest req) throws ServletException, IOException {
        // The container has answered the INVITE 487 already (JSR 289 section 7.2.3).
        SipApplicationSession app = req.getApplicationSession();
        TransferCall call = Calls.of(app);
        InvitationTimer.cancel(app);
        if (call != null) {
            if (call.state().pfIsPeer()) {
                return; // the PF's own 200 went out first: the sender's BYE will end it
            }
            call.invite().ifPresent(invite -> call.anchor()
                    .ifPresent(anchor -> services.deferral().senderLeft(invite, anchor)));
            call.ending(CallEvent.CANCELLED);
            call.end(CallEvent.CANCELLED);
        }
        B2buaHelper helper = req.getB2buaHelper();
        SipSession linked = helper.getLinkedSession(req.getSession());
        if (linked == null || !linked.isValid()) {
            return;
        }
        try {
            SipServletRequest cancel = helper.createCancel(linked);
            // RFC 3326: the Reason (e.g. "Call completed elsewhere") travels with the CANCEL.
            for (Iterator<String> reasons = req.getHeaders("Reason"); reasons.hasNext(); ) {
                cancel.addHeader("Reason", reasons.next());
            }
            cancel.send();
        } catch (IllegalStateException e) { // answered meanwhile: the 2xx is ACKed and BYEd on arrival
            LOG.info("CANCEL {} not relayed: {}", req.getCallId(), e.getMessage());
        }
    }

    @Override
    protected void doRegister(SipServletRequest req) throws ServletException, IOException {
        int expires = req.getExpires();
        List<String> contacts = SipMessages.values(req, "Contact");
        ThirdPartyRegisterView view = new ThirdPartyRegisterView(req.getHeader("To"), req.getHeader("From"),
                expires, contacts, req.getContentType(), req.getRawContent(), SipMessages.headerMap(req));
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
        SipMessages.copyHeaders(resp, out);
        SipMessages.copyBody(resp, out);
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
        TransferCall call = Calls.of(app);
        if (initial && resp.getStatus() >= 200) {
            InvitationTimer.cancel(app);
        }
        if (call == null) {
            if (success) { // the call is gone (expired): nothing can carry this dialog
                resp.createAck().send();
                resp.getSession().createRequest("BYE").send();
            }
            return;
        }
        if (initial && !meantForSender(call, resp, upstreamSession)) {
            return;
        }
        if (success && !initial && resp.getRequest().getAttribute(ANSWERED) != null) {
            // A repeated 2xx to a re-INVITE already relayed: the sender's ACK acknowledges it.
            return;
        }
        if (upstreamSession == null) {
            return;
        }
        MediaAnchoring.Anchor anchor = call.anchor().orElse(null);
        SipServletResponse out = helper.createResponseToOriginalRequest(upstreamSession,
                resp.getStatus(), resp.getReasonPhrase());
        SipMessages.copyHeaders(resp, out);
        if (success) {
            if (initial) {
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
                Optional<String> failure = anchorAnswer(resp, call, anchor, out);
                if (failure.isPresent()) {
                    LOG.warn("INVITE {}: unusable SDP answer: {}", resp.getCallId(), failure.get());
                    resp.createAck().send();
                    resp.getSession().createRequest("BYE").send();
                    call.end(CallEvent.ANSWER_UNUSABLE);
                    refuseAnswer(helper, upstreamSession, resp, failure.get());
                    return;
                }
            } else {
                SipMessages.copyBody(resp, out);
            }
        } else if (resp.getStatus() >= 300) {
            if (initial) {
                call.end(CallEvent.RECIPIENT_FAILED);
            }
            SipMessages.copyBody(resp, out);
        }
        // Provisional responses go without SDP: an early answer would expose the far end's path.
        sendWithServer(out);
        if (success && initial) {
            call.moveTo(CallState.ANSWERED, CallEvent.RECIPIENT_ACCEPTED);
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
        refusal.setHeader("Warning", Warning.miscellaneous(SipMessages.localHost(resp), warning).headerValue());
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

    /** A 480/408 of the recipient side becomes a deferred transfer when the rules say so. */
    private boolean deferOnFailure(SipServletResponse resp, TransferCall call) throws IOException {
        TransferDeferral.Invite invite = call.invite().orElse(null);
        if (invite == null) {
            return false;
        }
        Optional<DeferralCause> cause = services.deferral().onFinalResponse(invite, resp.getStatus());
        if (cause.isEmpty()) {
            return false;
        }
        SipServletRequest upstream = resp.getRequest().getB2buaHelper().getLinkedSipServletRequest(resp.getRequest());
        return upstream != null
                && LocalAcceptance.accept(services, call, upstream, cause.get(), CallEvent.DEFERRED_ON_FAILURE);
    }

    /**
     * Whether a response to the initial INVITE goes on to the sender, by what it means in the call's
     * state; a 2xx that must not (a late fork, the PF answered itself, the sender cancelled) is ACKed
     * and BYEd (RFC 3261 13.2.2.4), a failure the PF already answered for is absorbed, and a failure
     * the deferral rules take makes the PF answer instead.
     */
    private boolean meantForSender(TransferCall call, SipServletResponse resp, SipSession upstreamSession)
            throws IOException {
        int status = resp.getStatus();
        if (status >= 200 && status < 300) {
            TransferCall.Success meaning = upstreamSession == null ? TransferCall.Success.END_DIALOG
                    : call.onInitialSuccess(resp.getSession().getId());
            if (meaning == TransferCall.Success.END_DIALOG) {
                LOG.debug("INVITE {}: 2xx of a dialog the call no longer wants ({}), ACK and BYE", resp.getCallId(),
                        call.state());
                resp.createAck().send();
                resp.getSession().createRequest("BYE").send();
            }
            return meaning == TransferCall.Success.RELAY;
        }
        if (status >= 300) {
            return call.onInitialFailure() == TransferCall.Failure.RELAY_OR_DEFER && !deferOnFailure(resp, call);
        }
        return call.state() == CallState.OFFERED; // provisional
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
        TransferCall call = Calls.of(app);
        SipSession original = call == null ? null : app.getSipSession(call.upstreamLeg());
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
    private Optional<String> anchorAnswer(SipServletResponse resp, TransferCall call, MediaAnchoring.Anchor anchor,
                                          SipServletResponse out) throws IOException {
        ReceivedAnswer received = ReceivedAnswer.check(anchor.forwardedOffer(), resp.getContentType(),
                resp.getRawContent(), "no SDP answer in the 2xx");
        if (received.unusable().isPresent()) {
            return received.unusable();
        }
        received.notes().forEach(p -> LOG.info("INVITE {}: SDP answer: {}", resp.getCallId(), p.message()));
        try {
            SdpSession anchored = anchor.anchorAnswer(received.answer().get());
            Optional<TransferDeferral.Invite> invite = call.invite();
            if (invite.isPresent()) {
                services.deferral().guard(invite.get(), anchor, acceptingInstance(resp));
            }
            out.setContent(InviteBody.ofSdp(anchored.format()).bytes(), "application/sdp");
            return Optional.empty();
        } catch (IllegalArgumentException e) { // the anchoring's
            return Optional.of(e.getMessage());
        }
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
                acceptingInstance(resp));
    }

    /** The {@code +sip.instance} of the device whose 2xx accepted (seed 002 4.2: deliveries go to it). */
    private static Optional<String> acceptingInstance(SipServletResponse resp) {
        String contact = resp.getHeader("Contact");
        return contact == null ? Optional.empty() : SipInstance.fromContact(contact).map(SipInstance::urn);
    }

    /** Puts the relay into the answer to a re-offer; returns what is wrong with the answer, if anything. */
    private Optional<String> anchorReanswer(SipServletResponse resp, MediaAnchoring.Reoffer reoffer,
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
            SipMessages.copyBody(req, out);
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

    private boolean fromTrustedCore(SipServletRequest req) {
        try {
            return services.trustedCore().test(InetAddress.getByName(req.getInitialRemoteAddr()));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void reject(SipServletRequest req, int status, String reason, Warning warning) throws IOException {
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
