package org.cpmft.pf.sip;

import java.lang.reflect.Field;

import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.SIPConstants;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;
import gov.nist.javax.sip.stack.SIPTransactionStack;
import gov.nist.javax.sip.stack.ServerResponseInterface;
import gov.nist.javax.sip.stack.StackMessageFactory;

/**
 * Hands a response that matches no client transaction straight to the dialog layer.
 *
 * <p>A response whose top Via branch carries the RFC 3261 magic cookie belongs to the client
 * transaction with that branch and method (RFC 3261 17.1.3), which the stack finds by key. When there is
 * none, typically a 2xx retransmitted after its INVITE transaction ended (which the dialog must ACK
 * again, 13.2.2.4), JAIN-SIP still compares the response with every client transaction it holds before
 * handing it on. On UDP thousands of finished transactions wait out Timer K, so under load that scan cost
 * more CPU than the rest of the call, and it grows with the load that causes the retransmissions. This
 * valve does what the stack does after an unsuccessful scan, without the scan.
 *
 * <p>The stack instantiates the valve by class name ({@code gov.nist.javax.sip.SIP_MESSAGE_VALVE}).
 */
public final class StrayResponseValve implements SIPMessageValve {

    private SIPTransactionStack stack;
    private StackMessageFactory messages;

    @Override
    public void init(SipStack sipStack) {
        stack = (SIPTransactionStack) sipStack;
        messages = messageFactory(stack);
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        return true;
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        SIPResponse r = (SIPResponse) response;
        if (r.getTopmostVia() == null) {
            return true;
        }
        String key = r.getTransactionId();
        if (!key.startsWith(SIPConstants.BRANCH_MAGIC_COOKIE_LOWER_CASE) || stack.findTransaction(key, false) != null) {
            return true;
        }
        ServerResponseInterface dialogLayer = messages.newSIPServerResponse(r, channel);
        if (dialogLayer != null) {
            dialogLayer.processResponse(r, channel);
        }
        return false;
    }

    @Override
    public void destroy() {
    }

    // The stack keeps its message factory in a protected field without an accessor.
    private static StackMessageFactory messageFactory(SIPTransactionStack stack) {
        try {
            Field f = SIPTransactionStack.class.getDeclaredField("sipMessageFactory");
            f.setAccessible(true);
            return (StackMessageFactory) f.get(stack);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("JAIN-SIP without SIPTransactionStack.sipMessageFactory", e);
        }
    }
}
