package org.cpmft.pf.cpm.sdp;

import java.util.List;

/**
 * The lines every SDP answer the PF builds itself shares (RFC 4566 5, RFC 4975 8.2): the session
 * part, a refused m-line, and the start of an accepted MSRP m-line.
 */
final class AnswerLines {

    static final String CRLF = "\r\n";

    private AnswerLines() {
    }

    /** v=, o=, s=, c= and t= of an answer from {@code host}. */
    static StringBuilder session(String host, long sessionId) {
        Connection c = Connection.forHost(host);
        return new StringBuilder()
                .append("v=0").append(CRLF)
                .append("o=- ").append(sessionId).append(" 1 ").append(c.format()).append(CRLF)
                .append("s=-").append(CRLF)
                .append("c=").append(c.format()).append(CRLF)
                .append("t=0 0").append(CRLF);
    }

    /** The offered m-line refused with port 0 (RFC 3264 6). */
    static void refused(StringBuilder sdp, MediaDescription m) {
        sdp.append("m=").append(m.mediaLine().withPort(0).format()).append(CRLF);
    }

    /**
     * The m-line on the relay's port, the direction, and the offer's accept-types (or *) and
     * accept-wrapped-types.
     *
     * @throws IllegalArgumentException when {@code relayUri} is not a usable MSRP URI
     */
    static void accepted(StringBuilder sdp, MediaDescription m, int index, String relayUri, Direction direction) {
        if (!MsrpUris.isValid(relayUri)) {
            throw new IllegalArgumentException("bad MSRP URI for m-line " + (index + 1) + ": " + relayUri);
        }
        sdp.append("m=").append(m.mediaLine().withPort(java.net.URI.create(relayUri).getPort()).format()).append(CRLF);
        sdp.append("a=").append(direction.attributeName()).append(CRLF);
        List<String> types = m.acceptTypes().isEmpty() ? List.of("*") : m.acceptTypes();
        sdp.append("a=accept-types:").append(String.join(" ", types)).append(CRLF);
        if (!m.acceptWrappedTypes().isEmpty()) {
            sdp.append("a=accept-wrapped-types:").append(String.join(" ", m.acceptWrappedTypes())).append(CRLF);
        }
    }
}
