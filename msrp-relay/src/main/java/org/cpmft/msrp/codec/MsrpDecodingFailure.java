package org.cpmft.msrp.codec;

import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpObject;

/**
 * Emitted by {@link MsrpFrameDecoder} instead of a frame that cannot be accepted.
 *
 * @param transactionId the frame's transaction id, or null when the start line could not be read
 * @param request       whether the frame was (or looked like) a request, i.e. may be answered with 400
 * @param framingLost   true when the decoder cannot find the next frame; the connection must be closed
 * @param reason        human-readable cause, for logs and the response comment
 * @param headers       the headers read before the problem (From-Path addresses the 400 response)
 */
public record MsrpDecodingFailure(String transactionId, boolean request, boolean framingLost, String reason,
                                  MsrpHeaders headers) implements MsrpObject {

    /** Whether an MSRP 400 response can and should be sent (RFC 4975 section 7.2: requests only). */
    public boolean answerable() {
        return transactionId != null && request;
    }
}
