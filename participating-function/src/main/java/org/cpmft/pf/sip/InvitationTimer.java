package org.cpmft.pf.sip;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Optional;

import javax.servlet.ServletContext;
import javax.servlet.sip.ServletTimer;
import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.TimerListener;
import javax.servlet.sip.TimerService;

import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.media.TransferDeferral;

/**
 * The provider-policy invitation timer: when the recipient side gives no final answer in time,
 * the PF cancels that leg and, where the deferral rules apply, takes the file itself
 * (OMA CPM 8.3.3.1 1.a "expired invitation").
 */
public final class InvitationTimer implements TimerListener {

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
        TransferDeferral.Invite invite = (TransferDeferral.Invite) app.getAttribute(LocalAcceptance.INVITE);
        if (upstream == null || downstream == null || invite == null || upstream.isCommitted()) {
            return;
        }
        PfServices services = PfServices.get();
        Optional<DeferralCause> cause = services.deferral().onInvitationTimeout(invite);
        if (cause.isEmpty()) {
            return;
        }
        try {
            LocalAcceptance.accept(services, upstream, cause.get());
            SipServletRequest cancel = downstream.createCancel();
            cancel.addHeader("Reason", "SIP;cause=408;text=\"Invitation expired, the PF keeps the file\"");
            cancel.send();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
