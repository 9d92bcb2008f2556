package org.cpmft.pf.sip;

import javax.servlet.sip.SipApplicationSession;

import org.cpmft.pf.call.TransferCall;

/** The {@link TransferCall} of an application session: its one attribute. */
final class Calls {

    private static final String KEY = "cpm.ft.call";

    private Calls() {
    }

    static void attach(SipApplicationSession app, TransferCall call) {
        app.setAttribute(KEY, call);
    }

    /** The call of {@code app}; null for a session the PF started itself (delivery, notification) or one already gone. */
    static TransferCall of(SipApplicationSession app) {
        try {
            return app.getAttribute(KEY) instanceof TransferCall call ? call : null;
        } catch (IllegalStateException invalidated) {
            return null;
        }
    }
}
