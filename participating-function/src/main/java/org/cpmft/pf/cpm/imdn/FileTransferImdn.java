package org.cpmft.pf.cpm.imdn;

import java.util.Optional;

import org.cpmft.pf.cpm.body.ContentType;
import org.cpmft.pf.cpm.body.InviteBody;
import org.cpmft.pf.cpm.body.MimePart;

/**
 * Where a CPM File Transfer carries its request for disposition notifications. RFC 5438 defines
 * the request only as CPIM headers (section 6; no SIP header field carries it), and CPM uses it so
 * (5.4, seed 004 7.4.2 step 6: the receiving client checks whether "the CPM File Transfer Request",
 * the SIP INVITE, contains the request for delivery notification, and answers by SIP MESSAGE after
 * each file). So it is read from:
 * <ol>
 *   <li>a {@code message/cpim} part of the INVITE's multipart body, whose CPIM headers carry
 *   {@code NS: imdn <urn:ietf:params:imdn>}, {@code imdn.Message-ID},
 *   {@code imdn.Disposition-Notification} and {@code DateTime} ({@link #fromInvite});</li>
 *   <li>the CPIM wrapper of the file itself when the MSRP SEND carries it as {@code message/cpim}
 *   (RFC 5547 section 10 examples, {@code a=accept-wrapped-types}; CPM 9.3.1 for group transfers):
 *   {@link #fromWrappedContent} reads the first octets of the SEND body.</li>
 * </ol>
 * The {@code Message-ID} / {@code Disposition-Notification} SIP header fields this PF read before
 * are no standard's and are not read.
 */
public final class FileTransferImdn {

    /** A CPIM part of an INVITE or the wrapper head of a file: bounded, the wrapper is small. */
    public static final int MAX_CPIM_BYTES = 16 * 1024;

    private FileTransferImdn() {
    }

    /** The request in the INVITE body, if any; a malformed CPIM part asks for nothing (logged by the caller). */
    public static Optional<DispositionRequest> fromInvite(InviteBody body) {
        for (MimePart part : body.parts()) {
            ContentType type;
            try {
                type = part.contentType();
            } catch (IllegalArgumentException malformed) {
                continue;
            }
            if (!type.is(CpimMessage.CONTENT_TYPE)) {
                continue;
            }
            try {
                Optional<DispositionRequest> request = DispositionRequest.of(
                        CpimMessage.parse(decoded(part), MAX_CPIM_BYTES));
                if (request.isPresent()) {
                    return request;
                }
            } catch (IllegalArgumentException malformed) { // ImdnSyntaxException, bad base64
                // a broken CPIM part requests nothing; the transfer itself is not refused for it
            }
        }
        return Optional.empty();
    }

    private static byte[] decoded(MimePart part) {
        byte[] raw = part.content();
        if (raw.length > 2 * MAX_CPIM_BYTES) {
            throw new ImdnSyntaxException("CPIM part too large");
        }
        return "base64".equalsIgnoreCase(part.transferEncoding()) ? java.util.Base64.getMimeDecoder().decode(raw) : raw;
    }

    /**
     * The request in the CPIM wrapper of a file sent as {@code message/cpim}: {@code head} is the
     * start of the MSRP SEND body (the wrapper's header blocks must lie within it).
     */
    public static Optional<DispositionRequest> fromWrappedContent(String msrpContentType, byte[] head) {
        if (msrpContentType == null || head == null) {
            return Optional.empty();
        }
        try {
            if (!ContentType.parse(msrpContentType).is(CpimMessage.CONTENT_TYPE)) {
                return Optional.empty();
            }
            int end = Math.min(head.length, MAX_CPIM_BYTES);
            byte[] headers = java.util.Arrays.copyOf(head, end);
            return DispositionRequest.of(CpimMessage.parse(headers, MAX_CPIM_BYTES));
        } catch (IllegalArgumentException malformed) {
            return Optional.empty();
        }
    }
}
