package org.cpmft.pf.sip;

/** Hooks for the rest of the PF (metrics, registrations, deferral) into what the servlet sees. */
public interface SipEventListener {

    /** An FT INVITE was rejected by the CPM rules or the trust check. */
    default void inviteRejected(int status) {
    }

    /** An FT session was set up end to end (2xx relayed to the sender). */
    default void transferEstablished() {
    }

    /**
     * A new file accepted in a re-INVITE of an established FT session (a reused m-line with a new
     * file-transfer-id, or a new m-line: RFC 5547 section 8, CPM 7.4.1 2.b.i); once per file.
     */
    default void transferReoffered() {
    }

    /** A third-party REGISTER from the S-CSCF, as header values and body. */
    default void thirdPartyRegister(ThirdPartyRegisterView register) {
    }
}
