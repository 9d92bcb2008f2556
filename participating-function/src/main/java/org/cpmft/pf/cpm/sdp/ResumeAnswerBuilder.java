package org.cpmft.pf.cpm.sdp;

import java.util.List;
import java.util.Map;

/**
 * The SDP answer of the PF as the responder of a resume or pull (seed 004 7.4.5.2, RFC 5547
 * sections 8 and 9): per answered file stream the direction the PF takes (recvonly for a resuming
 * sender, sendonly when it serves a stored file), the file-selector (the offer's, or the stored
 * file's), the offer's file-transfer-id and the file-range the octets on the wire will cover: for a
 * resuming sender, from the first octet the PF does not hold, so it sends only the missing ones.
 * Every other m-line is refused with port 0 (RFC 3264 section 6).
 */
public final class ResumeAnswerBuilder {

    private static final String CRLF = AnswerLines.CRLF;

    /**
     * One answered stream.
     *
     * @param relayUri     the relay leg facing the offerer (a=path)
     * @param direction    the PF's direction
     * @param fileSelector the a=file-selector value of the answer
     * @param range        the octets the transfer covers
     */
    public record Answered(String relayUri, Direction direction, String fileSelector, FileRange range) {
    }

    private ResumeAnswerBuilder() {
    }

    public static SdpSession answer(SdpSession offer, String host, long sessionId, Map<Integer, Answered> answered) {
        StringBuilder sdp = AnswerLines.session(host, sessionId);
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media(i);
            Answered a = answered.get(i);
            if (a == null) {
                AnswerLines.refused(sdp, m);
                continue;
            }
            if (!m.isFileTransfer() || offer.direction(i).answer() != a.direction()) {
                throw new IllegalArgumentException("m-line " + (i + 1) + " cannot be answered " + a.direction());
            }
            AnswerLines.accepted(sdp, m, i, a.relayUri(), a.direction());
            sdp.append("a=path:").append(a.relayUri()).append(CRLF);
            sdp.append("a=file-selector:").append(a.fileSelector()).append(CRLF);
            m.attribute("file-transfer-id").ifPresent(v -> sdp.append("a=file-transfer-id:").append(v).append(CRLF));
            sdp.append("a=file-range:").append(a.range().format()).append(CRLF);
            // RFC 6135: the offerer connects unless it asked otherwise; the PF waits for it.
            sdp.append("a=setup:passive").append(CRLF);
        }
        return SdpSession.parse(sdp.toString());
    }
}
