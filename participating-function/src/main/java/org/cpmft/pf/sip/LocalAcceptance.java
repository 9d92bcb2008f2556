package org.cpmft.pf.sip;

import java.io.IOException;

import javax.servlet.sip.SipApplicationSession;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.cpmft.pf.media.MediaAnchoring;
import org.cpmft.pf.media.TransferDeferral;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PF answers the sender's INVITE itself and keeps the file (OMA CPM 8.2.3.1 1, 8.3.3.1 1.a):
 * the sender sees a normal successful transfer while the relay writes the file into the store.
 */
final class LocalAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAcceptance.class);

    /** Set on the application session once the PF took the transfer over; later legs' answers are ignored. */
    static final String DEFERRED = "cpm.ft.deferred";
    static final String INVITE = "cpm.ft.invite";
    static final String ANCHOR = "cpm.ft.anchor";

    private LocalAcceptance() {
    }

    /**
     * The PF is the responder of a resume or pull (seed 004 7.4.5.2): the relay takes the missing
     * octets or plays the stored file on the offerer's leg, and the PF answers 200 itself.
     *
     * @return false when the file went away meanwhile (the caller answers 488)
     */
    static boolean serve(PfServices services, SipServletRequest upstreamInvite, TransferDeferral.Invite invite,
                         MediaAnchoring.Anchor anchor) throws IOException {
        java.util.Optional<SdpSession> answer = services.deferral().serve(invite, anchor);
        if (answer.isEmpty()) {
            return false;
        }
        upstreamInvite.getApplicationSession().setAttribute(DEFERRED, "RESUME");
        SipServletResponse ok = upstreamInvite.createResponse(200, "OK");
        ok.setContent(answer.get().format().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/sdp");
        ok.setHeader("Server", services.serverHeader());
        ok.send();
        LOG.info("INVITE {}: the PF answered the resume itself from its store", upstreamInvite.getCallId());
        return true;
    }

    /** @return whether the transfer was taken over (false when the upstream INVITE is already answered) */
    static boolean accept(PfServices services, SipServletRequest upstreamInvite, DeferralCause cause) throws IOException {
        SipApplicationSession app = upstreamInvite.getApplicationSession();
        if (app.getAttribute(DEFERRED) != null || upstreamInvite.isCommitted()) {
            return false;
        }
        TransferDeferral.Invite invite = (TransferDeferral.Invite) app.getAttribute(INVITE);
        MediaAnchoring.Anchor anchor = (MediaAnchoring.Anchor) app.getAttribute(ANCHOR);
        java.util.Optional<SdpSession> taken = services.deferral().accept(invite, cause, anchor);
        if (taken.isEmpty()) {
            return false;
        }
        SdpSession answer = taken.get();
        app.setAttribute(DEFERRED, cause.name());
        SipServletResponse ok = upstreamInvite.createResponse(200, "OK");
        ok.setContent(answer.format().getBytes(java.nio.charset.StandardCharsets.UTF_8), "application/sdp");
        ok.setHeader("Server", services.serverHeader());
        ok.send();
        LOG.info("INVITE {}: the PF accepted the transfer itself ({}), file goes to the deferred store",
                upstreamInvite.getCallId(), cause);
        return true;
    }
}
