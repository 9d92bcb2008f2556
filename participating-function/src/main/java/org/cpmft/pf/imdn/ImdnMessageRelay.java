package org.cpmft.pf.imdn;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipServletResponse;
import javax.servlet.sip.TooManyHopsException;

import org.cpmft.pf.cpm.header.SipHeaders;
import org.cpmft.pf.cpm.header.Warning;
import org.cpmft.pf.cpm.imdn.ImdnDeferralRules;
import org.cpmft.pf.cpm.imdn.ImdnMessage;
import org.cpmft.pf.sip.OutboundProxyRoute;
import org.cpmft.pf.sip.PfServices;
import org.cpmft.pf.sip.SipRuntime;
import org.cpmft.pf.sip.UacHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SIP side of a client's disposition notification (IMDN by SIP MESSAGE, RFC 5438 7.2.1.1, seed
 * 004 5.4.5): {@link ImdnMessage} reads it, then the B2BUA passes it on towards its recipient
 * unchanged (body, Content-Type and the headers it copies for other requests), or, when the
 * recipient is known not to be registered or the network answers 480/408, {@link DeferredImdns}
 * keeps it and the client gets 202 Accepted (RFC 3428 section 7: accepted for later delivery).
 */
public final class ImdnMessageRelay implements PfServices.RequestHandler {

    private static final Logger LOG = LoggerFactory.getLogger(ImdnMessageRelay.class);

    private final DeferredImdns deferred;
    private final String serverHeader;

    public ImdnMessageRelay(DeferredImdns deferred, String serverHeader) {
        this.deferred = deferred;
        this.serverHeader = serverHeader;
    }

    @Override
    public void handle(SipServletRequest req) throws IOException {
        SipHeaders headers = SipHeaders.of(headerMap(req));
        ImdnMessage.Reading reading = ImdnMessage.read(headers, req.getRequestURI().toString(),
                req.getContentType(), req.getRawContent());
        if (reading instanceof ImdnMessage.Reading.Refused r) {
            LOG.info("MESSAGE {} refused {}: {}", req.getCallId(), r.status(), r.warning());
            SipServletResponse resp = req.createResponse(r.status(), r.reasonPhrase());
            resp.setHeader("Warning", Warning.miscellaneous(localHost(req), r.warning()).headerValue());
            r.accept().ifPresent(a -> resp.setHeader("Accept", a));
            send(resp);
            return;
        }
        ImdnMessage imdn = ((ImdnMessage.Reading.Accepted) reading).message();
        if (ImdnDeferralRules.deferAtOnce(deferred.recipientNotRegistered(imdn))) {
            defer(req, imdn, "recipient not registered");
            return;
        }
        SipServletRequest out;
        try {
            out = req.getB2buaHelper().createRequest(req, true, Map.of());
        } catch (TooManyHopsException e) { // Max-Forwards 0 (RFC 3261 16.3 step 3)
            send(req.createResponse(483, "Too Many Hops"));
            return;
        }
        out.setContent(req.getRawContent(), req.getContentType());
        if (out.getHeader("Route") == null) {
            OutboundProxyRoute.push(SipRuntime.factory(), out);
        }
        out.getApplicationSession().setAttribute(UacHandler.KEY, new UacHandler() {
            @Override
            public void onResponse(SipServletResponse response) throws IOException {
                if (response.getStatus() < 200) {
                    return;
                }
                if (ImdnDeferralRules.deferOn(response.getStatus())) {
                    defer(req, imdn, "MESSAGE answered " + response.getStatus());
                    return;
                }
                SipServletResponse relayed = req.createResponse(response.getStatus(), response.getReasonPhrase());
                for (String name : List.of("Warning", "Retry-After")) {
                    for (Iterator<String> v = response.getHeaders(name); v.hasNext(); ) {
                        relayed.addHeader(name, v.next());
                    }
                }
                send(relayed);
            }

            @Override
            public void onRequest(SipServletRequest request) throws IOException {
                request.createResponse(481).send();
            }
        });
        out.send();
        LOG.debug("MESSAGE {}: IMDN {} for {} passed on", req.getCallId(), imdn.document().messageId(),
                imdn.recipient());
    }

    private void defer(SipServletRequest req, ImdnMessage imdn, String why) throws IOException {
        if (req.isCommitted()) {
            return;
        }
        try {
            UUID id = deferred.defer(imdn);
            LOG.info("MESSAGE {}: IMDN {} for {} deferred as notification {} ({})", req.getCallId(),
                    imdn.document().messageId(), imdn.recipient(), id, why);
            send(req.createResponse(202, "Accepted"));
        } catch (RuntimeException e) { // StoreException: the client may send it again
            LOG.warn("MESSAGE {}: IMDN not deferred: {}", req.getCallId(), e.toString());
            SipServletResponse resp = req.createResponse(500, "Server Internal Error");
            resp.setHeader("Retry-After", "60");
            send(resp);
        }
    }

    private void send(SipServletResponse r) throws IOException {
        r.setHeader("Server", serverHeader);
        r.send();
    }

    private static String localHost(SipServletRequest m) {
        String addr = m.getLocalAddr();
        return addr == null ? "pf" : addr;
    }

    private static Map<String, List<String>> headerMap(SipServletRequest m) {
        Map<String, List<String>> map = new LinkedHashMap<>();
        for (Iterator<String> names = m.getHeaderNames(); names.hasNext(); ) {
            String name = names.next();
            List<String> values = new ArrayList<>();
            m.getHeaders(name).forEachRemaining(values::add);
            map.put(name, values);
        }
        return map;
    }
}
