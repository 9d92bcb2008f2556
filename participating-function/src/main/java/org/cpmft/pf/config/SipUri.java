package org.cpmft.pf.config;

import gov.nist.javax.sip.address.AddressFactoryImpl;
import java.text.ParseException;
import javax.sip.address.SipURI;
import javax.sip.address.URI;

/**
 * A SIP or SIPS URI from the config (e.g. the outbound proxy {@code sip:scscf.example.net;lr}).
 * Parsed with the JAIN SIP parser the container uses, plus the checks that parser leaves out:
 * nothing may be left unparsed, the port must be in range and the host well formed.
 *
 * @param text        the URI exactly as configured
 * @param port        the explicit port, or -1 when absent (RFC 3263 resolution applies)
 * @param looseRoute  true when the URI carries the {@code lr} parameter (RFC 3261 section 16.12)
 * @param transport   the {@code transport} parameter in lower case, or {@code null}
 */
public record SipUri(String text, boolean secure, String host, int port, boolean looseRoute, String transport) {

    /** @throws IllegalArgumentException with a short reason when the text is not a usable SIP URI */
    public static SipUri parse(String text) {
        String s = text.strip();
        if (!s.regionMatches(true, 0, "sip:", 0, 4) && !s.regionMatches(true, 0, "sips:", 0, 5)) {
            throw new IllegalArgumentException("'" + text + "' is not a sip: or sips: URI");
        }
        URI uri;
        try {
            uri = new AddressFactoryImpl().createURI(s);
        } catch (ParseException | RuntimeException e) {
            throw new IllegalArgumentException("'" + text + "' is not a valid SIP URI");
        }
        // The JAIN SIP parser stops silently at the first character it does not understand.
        if (!(uri instanceof SipURI sip) || !uri.toString().equalsIgnoreCase(s)) {
            throw new IllegalArgumentException("'" + text + "' is not a valid SIP URI");
        }
        int port = sip.getPort();
        if (port == 0 || port > 65535) {
            throw new IllegalArgumentException("'" + text + "' has a port outside 1-65535");
        }
        if (!Hosts.isValid(sip.getHost())) {
            throw new IllegalArgumentException("'" + text + "' has an invalid host '" + sip.getHost() + "'");
        }
        String transport = sip.getTransportParam();
        return new SipUri(s, sip.isSecure(), sip.getHost(), port, sip.hasLrParam(),
                transport == null ? null : transport.toLowerCase(java.util.Locale.ROOT));
    }

    @Override
    public String toString() {
        return text;
    }
}
