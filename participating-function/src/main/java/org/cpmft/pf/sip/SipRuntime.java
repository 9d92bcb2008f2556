package org.cpmft.pf.sip;

import java.util.concurrent.CompletableFuture;

import javax.servlet.sip.SipFactory;

/**
 * The container's SIP factory, for requests the PF originates outside any incoming request
 * (deferred delivery, notifications). Available once the application is deployed.
 */
public final class SipRuntime {

    private static final CompletableFuture<SipFactory> FACTORY = new CompletableFuture<>();

    private SipRuntime() {
    }

    static void publish(SipFactory factory) {
        FACTORY.complete(factory);
    }

    public static SipFactory factory() {
        SipFactory f = FACTORY.getNow(null);
        if (f == null) {
            throw new IllegalStateException("the SIP application is not deployed yet");
        }
        return f;
    }
}
