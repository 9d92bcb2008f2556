package org.cpmft.pf.sip;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

import org.cpmft.pf.call.CallEvent;
import org.cpmft.pf.call.TransferCall;
import org.cpmft.pf.cpm.policy.DeferralCause;
import org.cpmft.pf.cpm.sdp.SdpSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PF answers the sender's INVITE itself and keeps the file (OMA CPM 8.2.3.1 1, 8.3.3.1 1.a):
 * the sender sees a normal successful transfer while the relay writes the file into the store.
 */
final class LocalAcceptance {

    private static final Logger LOG = LoggerFactory.getLogger(LocalAcceptance.class);

    private LocalAcceptance() {
    }

    /**
     * @return whether the transfer was taken over: false when the call is past the point where the PF
     *         may answer (answered, cancelled), the INVITE is answered already, or the offer pushes
     *         nothing to keep (a pull: the recipient's failure is the sender's answer)
     */
    static boolean accept(PfServices services, TransferCall call, SipServletRequest upstreamInvite,
                          DeferralCause cause, CallEvent event) throws IOException {
        if (!call.state().canMoveTo(org.cpmft.pf.call.CallState.ACCEPTED_BY_PF) || upstreamInvite.isCommitted()
                || call.invite().isEmpty() || call.anchor().isEmpty()) {
            return false;
        }
        Optional<SdpSession> taken = services.deferral().accept(call.invite().get(), cause, call.anchor().get());
        if (taken.isEmpty() || !call.acceptByPf(cause, event)) {
            return false;
        }
        call.localAnswer(taken.get());
        answer(services, upstreamInvite, taken.get());
        LOG.debug("INVITE {}: the PF accepted the transfer itself ({}), file goes to the deferred store",
                upstreamInvite.getCallId(), cause);
        return true;
    }

    /** The PF's own 200 with {@code answer}. */
    static void answer(PfServices services, SipServletRequest upstreamInvite, SdpSession answer) throws IOException {
        SipServletResponse ok = upstreamInvite.createResponse(200, "OK");
        ok.setContent(answer.format().getBytes(StandardCharsets.UTF_8), "application/sdp");
        ok.setHeader("Server", services.serverHeader());
        PeerGone.send(ok);
    }
}
