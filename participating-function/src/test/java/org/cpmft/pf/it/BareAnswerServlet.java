package org.cpmft.pf.it;

import java.io.IOException;

import javax.servlet.ServletException;
import javax.servlet.sip.SipServlet;
import javax.servlet.sip.SipServletRequest;

/**
 * The baseline of the SIP set-up benchmark (deploy/bench/sip-setup.sh): a SIP servlet in the same
 * embedded container as the PF that answers every INVITE and BYE with 200 and does nothing else, so
 * the PF's rate can be read against what the container itself sustains on the same machine.
 */
public class BareAnswerServlet extends SipServlet {

    private static final long serialVersionUID = 1L;

    @Override
    protected void doInvite(SipServletRequest req) throws ServletException, IOException {
        if (req.isInitial()) {
            req.createResponse(200).send();
        }
    }

    @Override
    protected void doBye(SipServletRequest req) throws ServletException, IOException {
        req.createResponse(200).send();
    }

    @Override
    protected void doRegister(SipServletRequest req) throws ServletException, IOException {
        req.createResponse(200).send();
    }
}
