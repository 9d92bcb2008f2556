package org.cpmft.pf.sip;

import java.io.IOException;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;

/**
 * Handles a dialog the PF itself originates (deferred delivery, delivery notifications): the
 * servlet hands it the responses and in-dialog requests of its application session instead of
 * relaying them as a B2BUA.
 */
public interface UacHandler {

    /** Application-session attribute holding the handler. */
    String KEY = "cpm.pf.uacHandler";

    void onResponse(SipServletResponse response) throws IOException;

    /** An in-dialog request from the far end (BYE, INFO, ...). */
    void onRequest(SipServletRequest request) throws IOException;
}
