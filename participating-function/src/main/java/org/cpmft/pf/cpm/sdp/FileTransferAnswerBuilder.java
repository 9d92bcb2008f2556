package org.cpmft.pf.cpm.sdp;

import java.util.List;
import java.util.Map;

/**
 * Builds the SDP answer the PF sends when it accepts a file transfer itself, to store the file
 * for a recipient who cannot take it now (OMA CPM 8.2.3.1 1, 8.3.3.1 1.a). Per RFC 3264 section 6
 * the answer has one m-line per offered one: each stream the PF takes keeps the offer's
 * file-selector and file-transfer-id (RFC 5547 section 8), answers the direction (sendonly becomes
 * recvonly) and points at a relay session; every other stream is refused with port 0.
 */
public final class FileTransferAnswerBuilder {

    private static final String CRLF = "\r\n";

    private FileTransferAnswerBuilder() {
    }

    /**
     * @param offer     the offer received
     * @param host      the PF's MSRP host (c= and o= address)
     * @param sessionId the o= sess-id
     * @param accepted  media index to the relay URI that stream is taken on; only push streams can
     *                  be taken (the PF has no file to give to a pull)
     */
    public static SdpSession accept(SdpSession offer, String host, long sessionId, Map<Integer, String> accepted) {
        StringBuilder sdp = AnswerLines.session(host, sessionId);
        for (int i = 0; i < offer.media().size(); i++) {
            MediaDescription m = offer.media(i);
            String uri = accepted.get(i);
            if (uri == null) {
                AnswerLines.refused(sdp, m);
                continue;
            }
            if (offer.direction(i) != Direction.SENDONLY || !m.isFileTransfer()) {
                throw new IllegalArgumentException("m-line " + (i + 1) + " is not a file push the PF can take");
            }
            AnswerLines.accepted(sdp, m, i, uri, Direction.RECVONLY);
            sdp.append("a=path:").append(uri).append(CRLF);
            m.attribute("file-selector").ifPresent(v -> sdp.append("a=file-selector:").append(v).append(CRLF));
            m.attribute("file-transfer-id").ifPresent(v -> sdp.append("a=file-transfer-id:").append(v).append(CRLF));
            m.attribute("file-range").ifPresent(v -> sdp.append("a=file-range:").append(v).append(CRLF));
            // RFC 6135: the offerer connects unless it asked otherwise; the PF waits for it.
            sdp.append("a=setup:passive").append(CRLF);
        }
        return SdpSession.parse(sdp.toString());
    }

    /**
     * An answer that refuses every offered stream: one m-line per offered one, port 0, and the
     * offer's t= line (RFC 3264 section 6). It is the "valid answer" a UAC that cannot accept the
     * offer of a 2xx still has to put in its ACK (RFC 3261 section 13.2.2.4).
     *
     * @param host      the c= and o= address (every port is 0: no media goes there)
     * @param sessionId the o= sess-id
     */
    public static SdpSession refuseAll(SdpSession offer, String host, long sessionId) {
        Connection c = Connection.forHost(host);
        String timing = offer.sessionLines().stream().filter(l -> l.type() == 't').findFirst()
                .map(SdpLine::content).orElse("t=0 0");
        StringBuilder sdp = new StringBuilder()
                .append("v=0").append(CRLF)
                .append("o=- ").append(sessionId).append(" 1 ").append(c.format()).append(CRLF)
                .append("s=-").append(CRLF)
                .append("c=").append(c.format()).append(CRLF)
                .append(timing).append(CRLF);
        for (MediaDescription m : offer.media()) {
            sdp.append("m=").append(m.mediaLine().withPort(0).format()).append(CRLF);
        }
        return SdpSession.parse(sdp.toString());
    }
}
