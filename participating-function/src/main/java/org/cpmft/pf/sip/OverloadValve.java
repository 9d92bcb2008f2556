package org.cpmft.pf.sip;

import java.io.IOException;
import java.text.ParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import javax.sip.InvalidArgumentException;
import javax.sip.SipStack;
import javax.sip.message.Response;

import gov.nist.javax.sip.SipStackImpl;
import gov.nist.javax.sip.header.HeaderFactoryImpl;
import gov.nist.javax.sip.message.SIPRequest;
import gov.nist.javax.sip.message.SIPResponse;
import gov.nist.javax.sip.stack.MessageChannel;
import gov.nist.javax.sip.stack.SIPMessageValve;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts {@link SetupAdmission} in front of the SIP stack: an initial INVITE it refuses is answered
 * 503 + Retry-After right here, statelessly, before a transaction, a dialog or an application
 * session exists, so refusing costs a fraction of admitting. The ACK to such a 503 (recognised by
 * its To tag) is absorbed here too. The sender's ACK or CANCEL of an admitted set-up ends it.
 *
 * <p>The stack instantiates the valve by class name ({@code gov.nist.javax.sip.SIP_MESSAGE_VALVE});
 * the container registers the rule under an id passed in the stack properties.
 */
public final class OverloadValve implements SIPMessageValve {

    static final String ADMISSION_ID = "org.cpmft.pf.sip.SETUP_ADMISSION_ID";
    /** To tag prefix of the valve's 503s: no dialog or transaction ever has it. */
    private static final String TAG_PREFIX = "ovl";
    private static final Logger LOG = LoggerFactory.getLogger(OverloadValve.class);
    private static final Map<String, Registration> REGISTRY = new ConcurrentHashMap<>();

    record Registration(SetupAdmission admission, String serverHeader) {
    }

    private final HeaderFactoryImpl headers = new HeaderFactoryImpl();
    private volatile Registration registration;
    private volatile long lastLogged;

    static void register(String id, SetupAdmission admission, String serverHeader) {
        REGISTRY.put(id, new Registration(admission, serverHeader));
    }

    static void unregister(String id) {
        REGISTRY.remove(id);
    }

    @Override
    public void init(SipStack stack) {
        String id = ((SipStackImpl) stack).getConfigurationProperties().getProperty(ADMISSION_ID);
        registration = id == null ? null : REGISTRY.get(id);
    }

    @Override
    public boolean processRequest(SIPRequest request, MessageChannel channel) {
        Registration r = registration;
        if (r == null) {
            return true;
        }
        String method = request.getMethod();
        if ("INVITE".equals(method)) {
            return request.getToTag() != null || admit(r, request, channel);
        }
        if ("ACK".equals(method)) {
            String toTag = request.getToTag();
            if (toTag != null && toTag.startsWith(TAG_PREFIX)) {
                return false;
            }
            r.admission().finished(setup(request), System.nanoTime());
        } else if ("CANCEL".equals(method)) {
            r.admission().finished(setup(request), System.nanoTime());
        }
        return true;
    }

    private boolean admit(Registration r, SIPRequest invite, MessageChannel channel) {
        String setup = setup(invite);
        SetupAdmission.Verdict verdict = r.admission().admit(setup, System.nanoTime());
        if (verdict.admitted()) {
            return true;
        }
        try {
            SIPResponse busy = invite.createResponse(Response.SERVICE_UNAVAILABLE);
            busy.getTo().setTag(TAG_PREFIX + Integer.toHexString(setup.hashCode()));
            busy.setHeader(headers.createRetryAfterHeader((int) r.admission().retryAfterSeconds()));
            if (r.serverHeader() != null && !r.serverHeader().isEmpty()) {
                busy.setHeader(headers.createHeader("Server", r.serverHeader()));
            }
            channel.sendMessage(busy);
        } catch (IOException | ParseException | InvalidArgumentException e) {
            LOG.debug("503 to INVITE {} not sent: {}", invite.getCallId().getCallId(), e.toString());
        }
        long now = System.nanoTime();
        if (now - lastLogged > 10_000_000_000L) { // one line per 10 s at most: logging must not add load
            lastLogged = now;
            LOG.warn("overload: new INVITEs refused with 503 ({}; {} set-ups in progress, limits {})",
                    verdict, r.admission().inProgress(), r.admission().limits());
        }
        return false;
    }

    private static String setup(SIPRequest request) {
        return SetupAdmission.key(request.getCallId().getCallId(), request.getFromTag());
    }

    @Override
    public boolean processResponse(Response response, MessageChannel channel) {
        return true;
    }

    @Override
    public void destroy() {
        registration = null;
    }
}
