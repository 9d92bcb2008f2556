package org.cpmft.pf.cpm.policy;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;

import org.cpmft.pf.cpm.header.SipHeaders;

/**
 * What the policy needs to know about an INVITE, as plain values the SIP adapter fills in.
 *
 * @param headers             the request headers
 * @param contentType         Content-Type header value, or null when there is no body
 * @param body                body bytes (empty when none)
 * @param knownGroupSession   the adapter knows the request targets a group session (e.g. the
 *                            Request-URI is a CPM Group Session Identity or a conference factory
 *                            URI it is configured with); other signs are detected from headers and body
 */
public record InviteDescription(SipHeaders headers, String contentType, byte[] body, boolean knownGroupSession) {

    public InviteDescription {
        headers = headers == null ? SipHeaders.empty() : headers;
        body = body == null ? new byte[0] : body.clone();
    }

    public static InviteDescription of(Map<String, ? extends Collection<String>> headers, String contentType,
                                       byte[] body, boolean knownGroupSession) {
        return new InviteDescription(SipHeaders.of(headers), contentType, body, knownGroupSession);
    }

    /** An INVITE with a plain SDP body. */
    public static InviteDescription withSdp(SipHeaders headers, String sdp) {
        return new InviteDescription(headers, "application/sdp", sdp.getBytes(StandardCharsets.UTF_8), false);
    }

    @Override
    public byte[] body() {
        return body.clone();
    }
}
