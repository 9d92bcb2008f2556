package org.cpmft.pf.sip;

import java.io.IOException;

import javax.servlet.sip.SipServletResponse;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a response whose peer may be gone (its TCP connection closed, its transaction ended): a
 * normal event on a hostile network, so one log line with the Call-ID, no stack trace, and the
 * call goes on to its end as if the response had been lost in transit.
 */
final class PeerGone {

    private static final Logger LOG = LoggerFactory.getLogger(PeerGone.class);

    private PeerGone() {
    }

    static void send(SipServletResponse r) {
        try {
            r.send();
        } catch (IOException | IllegalStateException e) {
            LOG.info("{} {} to {} {} not sent: {}", r.getStatus(), r.getMethod(), r.getCallId(),
                    r.getRequest() == null ? "" : r.getRequest().getRemoteAddr(), e.getMessage());
        }
    }
}
