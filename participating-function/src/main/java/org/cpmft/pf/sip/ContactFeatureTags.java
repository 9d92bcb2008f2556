package org.cpmft.pf.sip;

import javax.servlet.sip.Address;
import javax.servlet.sip.ServletParseException;
import javax.servlet.sip.SipServletMessage;

import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.HeaderParam;

/**
 * Carries the Contact header parameters of one leg (feature tags such as the CPM ICSI in
 * {@code +g.3gpp.icsi-ref}, {@code +sip.instance}; RFC 3840, TS 24.229 7.2A.8.2) to the Contact
 * the container generates for the other leg. The raw header is read so that quoted values stay
 * quoted: the container's parsed parameters lose their quotes.
 */
final class ContactFeatureTags {

    private ContactFeatureTags() {
    }

    static void copy(SipServletMessage from, SipServletMessage to) throws ServletParseException {
        String raw = from.getHeader("Contact");
        Address target = to.getAddressHeader("Contact");
        if (raw == null || target == null) {
            return;
        }
        for (HeaderParam p : HeaderAddress.parse(raw).params()) {
            if (p.is("expires") || p.is("q")) {
                continue;
            }
            target.setParameter(p.name(), p.hasValue() ? p.rawValue() : "");
        }
    }
}
