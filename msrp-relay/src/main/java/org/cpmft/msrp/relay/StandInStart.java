package org.cpmft.msrp.relay;

import org.cpmft.msrp.message.ByteRange;

/**
 * Why and from where the relay stands in for the recipient of a message.
 *
 * @param cause                why the relay took the message
 * @param messageId            the MSRP Message-ID of the file
 * @param contentType          its Content-Type
 * @param confirmedByRecipient octets from the start of the file the recipient answered 200 for, contiguously
 *                             (0 when the relay stood in from the start); delivery later resumes after them
 *                             (RFC 5547 section 9, file-range)
 * @param fromOffset           0-based offset of the first octet the sink will be given (at most
 *                             {@code confirmedByRecipient} after a switch-over)
 * @param total                size of the file from Byte-Range, or {@link ByteRange#UNKNOWN}
 */
public record StandInStart(Cause cause, String messageId, String contentType, long confirmedByRecipient,
                           long fromOffset, long total) {
    public enum Cause {
        /** {@link RelaySessionPair#standIn} or {@link RelaySessionPair#switchToStandIn}. */
        REQUESTED,
        /** The recipient's connection dropped, or it answered 481 (RFC 4975 section 10). */
        ANSWERER_LOST,
        /** The recipient did not answer a chunk within the transaction timeout (408, RFC 4975 section 7.1.1). */
        ANSWERER_TIMEOUT
    }
}
