package org.cpmft.pf.sip;

import java.util.concurrent.atomic.AtomicLong;

import javax.servlet.sip.SipApplicationSessionEvent;
import javax.servlet.sip.SipApplicationSessionListener;
import javax.servlet.sip.SipSessionEvent;
import javax.servlet.sip.SipSessionListener;

import org.cpmft.pf.call.CallEvent;
import org.cpmft.pf.call.TransferCall;

/**
 * Application sessions and SIP sessions the container holds for this application, for /metrics: a
 * session that outlives its dialog holds memory until it expires. An application session that goes
 * (expired, or invalidated) with its relay anchor still attached releases the anchor here, so that a
 * call whose end the PF never saw does not keep its relay pair for ever.
 * Registered in sip.xml; the container creates the instance, so the counts are static.
 */
public final class SessionCounts implements SipApplicationSessionListener, SipSessionListener {

    private static final AtomicLong APPLICATION_SESSIONS = new AtomicLong();
    private static final AtomicLong SIP_SESSIONS = new AtomicLong();

    public static long applicationSessions() {
        return APPLICATION_SESSIONS.get();
    }

    public static long sipSessions() {
        return SIP_SESSIONS.get();
    }

    @Override
    public void sessionCreated(SipApplicationSessionEvent ev) {
        APPLICATION_SESSIONS.incrementAndGet();
    }

    @Override
    public void sessionDestroyed(SipApplicationSessionEvent ev) {
        APPLICATION_SESSIONS.decrementAndGet();
        try {
            TransferCall call = Calls.of(ev.getApplicationSession());
            if (call != null) {
                call.end(CallEvent.CLOSED);
            }
        } catch (IllegalStateException alreadyInvalid) {
            // its attributes are gone: the servlet released the anchor before
        }
    }

    @Override
    public void sessionExpired(SipApplicationSessionEvent ev) {
        // the container destroys it next unless the application extends it
    }

    @Override
    public void sessionReadyToInvalidate(SipApplicationSessionEvent ev) {
        // invalidate-when-ready does the rest
    }

    @Override
    public void sessionCreated(SipSessionEvent se) {
        SIP_SESSIONS.incrementAndGet();
    }

    @Override
    public void sessionDestroyed(SipSessionEvent se) {
        SIP_SESSIONS.decrementAndGet();
    }

    @Override
    public void sessionReadyToInvalidate(SipSessionEvent se) {
        // invalidate-when-ready does the rest
    }
}
