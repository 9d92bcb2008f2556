package org.cpmft.pf.cpm.group;

import org.cpmft.pf.cpm.header.HeaderAddress;
import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * RFC 4579 section 4.4 / 5: a conference focus (the CPM Controlling Function) puts the
 * {@code isfocus} feature parameter in the Contact of the requests and responses it sends; the
 * Contact URI is then the group session identity (CPM 7.3.1.3: the client stores it as such).
 */
public final class FocusContact {

    private FocusContact() {
    }

    /** Whether a Contact of {@code headers} carries {@code isfocus}. */
    public static boolean isFocus(SipHeaders headers) {
        for (String contact : headers.elements("Contact")) {
            try {
                if (HeaderAddress.parse(contact).hasParam("isfocus")) {
                    return true;
                }
            } catch (IllegalArgumentException malformed) {
                // A Contact this parser cannot read carries no usable isfocus either.
            }
        }
        return false;
    }
}
