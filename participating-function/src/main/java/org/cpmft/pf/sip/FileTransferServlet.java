package org.cpmft.pf.sip;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
    /** MESSAGE: a client's IMDN (seed 004 5.4.5, org.cpmft.pf.imdn). */
    private static final String ALLOW = "INVITE, ACK, BYE, CANCEL, REGISTER, OPTIONS, MESSAGE, UPDATE, INFO";
    private static final String ACCEPTED_BODIES = "application/sdp, multipart/mixed, multipart/related";

    private transient PfServices services;
    private transient InDialogRelay dialogs;

    @Override
    public void init() throws ServletException {
        services = PfServices.get();
        dialogs = new InDialogRelay(services);
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
            r.setHeader("Allow", ALLOW);
            sendWithServer(r);
        } else {
            dialogs.forwardInDialog(req);
        }
    }

    @Override
    protected void doInvite(SipServletRequest req) throws ServletException, IOException {
        if (!req.isInitial()) {
            dialogs.relayReinvite(req);
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

    @Override
    protected void doAck(SipServletRequest req) throws ServletException, IOException {
        SipSession linked = req.getB2buaHelper().getLinkedSession(req.getSession());
        if (linked == null) {
            return;
        }
        for (SipServletMessage m : req.getB2buaHelper().getPendingMessages(linked, UAMode.UAC)) {
            if (m instanceof SipServletResponse r && "INVITE".equals(r.getMethod())
                    && r.getStatus() >= 200 && r.getStatus() < 300 && answers(r, req) && !dialogs.acknowledge(r, req)) {
                InDialogRelay.endBothLegs(req.getSession(), linked);
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
            dialogs.forwardInDialog(req);
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
    static void endsSoon(SipApplicationSession app) {
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
        ok.setHeader("Allow", ALLOW);
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
        Object reinvite = resp.getRequest().getAttribute(InDialogRelay.REINVITE);
        boolean initial = reinvite == null;
        MediaAnchoring.Reoffer reoffer = reinvite instanceof MediaAnchoring.Reoffer r ? r : null;
        OfferlessReinvite offerless = reinvite instanceof OfferlessReinvite o ? o : null;
        if (resp.getStatus() >= 300) {
            // A failed re-INVITE leaves the session as it was (RFC 3264 section 8).
            InDialogRelay.abandon(reinvite);
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
        if (success && !initial && resp.getRequest().getAttribute(InDialogRelay.ANSWERED) != null) {
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
                resp.getRequest().setAttribute(InDialogRelay.ANSWERED, Boolean.TRUE);
            }
            try {
                ContactFeatureTags.copy(resp, out);
            } catch (ServletParseException | IllegalStateException e) {
                LOG.debug("Contact parameters of the answer not copied: {}", e.toString());
            }
            if (reoffer != null) {
                Optional<String> failure = dialogs.anchorReanswer(resp, reoffer, out);
                if (failure.isPresent()) {
                    LOG.warn("re-INVITE {}: unusable SDP answer: {}", resp.getCallId(), failure.get());
                    // The offerer's session stays as it was; the far end's 2xx is only acknowledged.
                    reoffer.abandon();
                    resp.createAck().send();
                    dialogs.refuseAnswer(helper, upstreamSession, resp, failure.get());
                    return;
                }
            } else if (offerless != null) {
                if (!dialogs.anchorOfferIn2xx(resp, offerless, out, helper, upstreamSession)) {
                    return;
                }
            } else if (anchor != null && initial) {
                Optional<String> failure = anchorAnswer(resp, call, anchor, out);
                if (failure.isPresent()) {
                    LOG.warn("INVITE {}: unusable SDP answer: {}", resp.getCallId(), failure.get());
                    resp.createAck().send();
                    resp.getSession().createRequest("BYE").send();
                    call.end(CallEvent.ANSWER_UNUSABLE);
                    dialogs.refuseAnswer(helper, upstreamSession, resp, failure.get());
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
        if (original != null && original.isValid() && resp.getRequest().getAttribute(InDialogRelay.REINVITE) == null) {
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
                services.deferral().guard(invite.get(), anchor, SipMessages.acceptingInstance(resp));
            }
            out.setContent(InviteBody.ofSdp(anchored.format()).bytes(), "application/sdp");
            return Optional.empty();
        } catch (IllegalArgumentException e) { // the anchoring's
            return Optional.of(e.getMessage());
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
