package org.cpmft.pf.sip;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;

import javax.servlet.ServletContext;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.TimerListener;
import javax.servlet.sip.TimerService;

import org.cpmft.pf.call.CallEvent;
import org.cpmft.pf.call.CallState;
import org.cpmft.pf.call.TransferCall;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The provider-policy invitation timer: when the recipient side gives no final answer in time,
 * the PF cancels that leg and, where the deferral rules apply, takes the file itself
 * (OMA CPM 8.3.3.1 1.a "expired invitation").
 */
public final class InvitationTimer implements TimerListener {

    private static final Logger LOG = LoggerFactory.getLogger(InvitationTimer.class);
    private static final String TIMER_ID = "cpm.ft.invitationTimer";
    static final String UPSTREAM_INVITE = "cpm.ft.upstreamInvite";
    static final String DOWNSTREAM_INVITE = "cpm.ft.downstreamInvite";

    static void start(ServletContext context, SipApplicationSession app, Duration after) {
        TimerService timers = (TimerService) context.getAttribute(SipServlet.TIMER_SERVICE);
        ServletTimer timer = timers.createTimer(app, after.toMillis(), false, "invitation-timeout");
        app.setAttribute(TIMER_ID, timer.getId());
    }

    static void cancel(SipApplicationSession app) {
        String id = (String) app.getAttribute(TIMER_ID);
        if (id == null) {
            return;
        }
        app.removeAttribute(TIMER_ID);
        ServletTimer timer = app.getTimer(id);
        if (timer != null) {
            timer.cancel();
        }
    }

    @Override
    public void timeout(ServletTimer timer) {
        SipApplicationSession app = timer.getApplicationSession();
        app.removeAttribute(TIMER_ID);
        SipServletRequest upstream = (SipServletRequest) app.getAttribute(UPSTREAM_INVITE);
        SipServletRequest downstream = (SipServletRequest) app.getAttribute(DOWNSTREAM_INVITE);
        TransferCall call = Calls.of(app);
        if (upstream == null || downstream == null || call == null || call.state() != CallState.OFFERED
                || upstream.isCommitted()) {
            return;
        }
        PfServices services = PfServices.get();
        Optional<DeferralCause> cause = call.invite().flatMap(i -> services.deferral().onInvitationTimeout(i));
        boolean kept = false;
        try {
            kept = cause.isPresent()
                    && LocalAcceptance.accept(services, call, upstream, cause.get(), CallEvent.INVITATION_EXPIRED);
            if (!kept && !upstream.isCommitted()) {
                // Nothing the PF can keep (a pull): the sender learns the invitation expired.
                SipServletResponse timeout = upstream.createResponse(408, "Request Timeout");
                timeout.setHeader("Server", services.serverHeader());
                timeout.send();
                call.ending(CallEvent.INVITATION_EXPIRED);
            }
        } catch (IOException | RuntimeException e) {
            LOG.info("INVITE {}: no answer to the sender on invitation expiry: {}", call.callId(), e.toString());
        }
        // The recipient side is cancelled in every case (CPM 8.3.3.1 1.a).
        try {
            SipServletRequest cancel = downstream.createCancel();
            cancel.addHeader("Reason", kept ? "SIP;cause=408;text=\"Invitation expired, the PF keeps the file\""
                    : "SIP;cause=408;text=\"Invitation expired\"");
            cancel.send();
        } catch (IOException | RuntimeException e) {
            LOG.info("INVITE {}: no CANCEL on invitation expiry: {}", call.callId(), e.toString());
        }
    }
}
