package org.cpmft.pf.sip;

import javax.servlet.sip.SipFactory;
import javax.servlet.sip.SipServletRequest;
import javax.servlet.sip.SipURI;

import org.mobicents.javax.servlet.sip.SipSessionExt;
import org.mobicents.servlet.sip.core.SipService;
import org.mobicents.servlet.sip.core.message.OutboundProxy;
import org.mobicents.servlet.sip.startup.StaticServiceHolder;

/**
 * Routes a request the PF sends (delivery INVITEs, notices, forwarded initial INVITEs) through the
 * container's outbound proxy by a Route header of its own (RFC 3261 section 8.1.2: the first Route
 * names the next hop).
 *
 * <p>Why: with only the container's outbound proxy set, Restcomm resolves the next hop from the
 * Request-URI (a DNS SRV look-up of the recipient's domain, blocking the sending thread, up to a
 * second against a slow resolver) and then sends to the proxy anyway. With the proxy as the first
 * Route the locator resolves the proxy's address instead (no look-up for an IP address), and
 * {@code setBypassProxy} keeps the container from adding the same Route a second time.
 */
public final class OutboundProxyRoute {

    private OutboundProxyRoute() {
    }

    /** Pushes the outbound proxy as the first Route of an initial request; nothing when none is configured. */
    public static void push(SipFactory factory, SipServletRequest request) {
        SipService service = StaticServiceHolder.sipStandardService;
        OutboundProxy proxy = service == null ? null : service.getOutboundProxy();
        if (proxy == null || proxy.getHost() == null || !(request.getSession() instanceof SipSessionExt session)) {
            return; // the container routes as configured
        }
        SipURI route = factory.createSipURI(null, proxy.getHost());
        if (proxy.getPort() > 0) {
            route.setPort(proxy.getPort());
        }
        route.setLrParam(true);
        request.pushRoute(route);
        session.setBypassProxy(true);
    }
}
