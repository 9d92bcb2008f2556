package org.cpmft.pf.sip;

import java.util.List;
import java.util.Map;

/**
 * A third-party REGISTER as plain values (TS 24.229 5.4.1.7 / 5.7.1.3): the served user in To,
 * the Expires, the Contact values and an optional {@code message/sip} body holding the UE's own
 * REGISTER.
 */
public record ThirdPartyRegisterView(String to, String from, int expires, List<String> contacts,
                                     String bodyContentType, byte[] body, Map<String, List<String>> headers) {
}
