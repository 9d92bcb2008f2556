package org.cpmft.pf.sip;

import java.util.concurrent.CompletableFuture;

import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipSession;

/**
 * The container's SIP factory, for requests the PF originates outside any incoming request
 * (deferred delivery, notifications). Available once the application is deployed.
 */
public final class SipRuntime {

    private static final CompletableFuture<SipFactory> FACTORY = new CompletableFuture<>();
    private static volatile SetupAdmission admission;

    private SipRuntime() {
    }

    static void publish(SipFactory factory) {
        FACTORY.complete(factory);
    }

    static void publish(SetupAdmission overloadControl) {
        admission = overloadControl;
    }

    /**
     * The far end answered a set-up (the servlet sees no 100): for overload control it is no
     * longer in progress. {@code upstream} is the sender's leg.
     */
    static void setupAnswered(SipSession upstream) {
        SetupAdmission a = admission;
        if (a != null && upstream != null) {
            a.finished(SetupAdmission.key(upstream.getCallId(), upstream.getRemoteParty().getParameter("tag")), System.nanoTime());
        }
    }

    public static SipFactory factory() {
        SipFactory f = FACTORY.getNow(null);
        if (f == null) {
            throw new IllegalStateException("the SIP application is not deployed yet");
        }
        return f;
    }
}
