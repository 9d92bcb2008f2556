package org.cpmft.pf.cpm.sdp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * An SDP body (RFC 4566) as a list of session-level lines followed by media descriptions, with the
 * file transfer view of RFC 5547 on top.
 *
 * <p>Parsing keeps every line verbatim, including lines this class does not understand, blank lines
 * and the exact line terminators, so {@code parse(x).format().equals(x)} for any accepted input.
 * Instances are immutable; the {@code with...} methods return modified copies.
 *
 * <p>Parsing rejects only what makes the body unusable: no {@code v=} first line, or an
 * {@code m=} line whose port or shape cannot be read. Attribute-level errors surface when the
 * attribute is read, and {@link SdpValidator} turns them into {@link SdpProblem}s.
 */
public final class SdpSession {

    private final List<SdpLine> sessionLines;
    private final List<MediaDescription> media;

    private SdpSession(List<SdpLine> sessionLines, List<MediaDescription> media) {
        this.sessionLines = List.copyOf(sessionLines);
        this.media = List.copyOf(media);
    }

    public static SdpSession parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "empty SDP");
        }
        List<SdpLine> lines = splitLines(text);
        if (!lines.get(0).content().startsWith("v=")) {
            throw new SdpSyntaxException(SdpProblem.Code.MALFORMED_SDP, "SDP does not start with v=");
        }
        List<SdpLine> session = new ArrayList<>();
        List<MediaDescription> media = new ArrayList<>();
        List<SdpLine> current = null;
        for (SdpLine l : lines) {
            if (l.type() == 'm') {
                if (current != null) {
                    media.add(new MediaDescription(current));
                }
                current = new ArrayList<>();
            }
            (current == null ? session : current).add(l);
        }
        if (current != null) {
            media.add(new MediaDescription(current));
        }
        return new SdpSession(session, media);
    }

    // Lines end at LF (with or without a preceding CR); RFC 4566 section 5 asks for CRLF but
    // recommends accepting LF alone.
    private static List<SdpLine> splitLines(String text) {
        List<SdpLine> out = new ArrayList<>();
        int start = 0;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            if (lf < 0) {
                out.add(new SdpLine(text.substring(start), ""));
                break;
            }
            boolean crlf = lf > start && text.charAt(lf - 1) == '\r';
            out.add(new SdpLine(text.substring(start, crlf ? lf - 1 : lf), crlf ? "\r\n" : "\n"));
            start = lf + 1;
        }
        return out;
    }

    /** The SDP text: identical to the parsed input unless modified. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        sessionLines.forEach(l -> sb.append(l.formatted()));
        media.forEach(m -> sb.append(m.format()));
        return sb.toString();
    }

    public List<SdpLine> sessionLines() {
        return sessionLines;
    }

    public List<MediaDescription> media() {
        return media;
    }

    public MediaDescription media(int index) {
        checkIndex(index);
        return media.get(index);
    }

    public Optional<Origin> origin() {
        return sessionLines.stream().filter(l -> l.type() == 'o').findFirst().map(l -> Origin.parse(l.value()));
    }

    public Optional<Connection> sessionConnection() {
        return sessionLines.stream().filter(l -> l.type() == 'c').findFirst().map(l -> Connection.parse(l.value()));
    }

    /** The connection that applies to media {@code index}: media-level if present, else session-level. */
    public Optional<Connection> connection(int index) {
        Optional<Connection> c = media(index).connection();
        return c.isPresent() ? c : sessionConnection();
    }

    public List<Direction> sessionDirections() {
        List<Direction> out = new ArrayList<>();
        for (SdpLine l : sessionLines) {
            if (l.isAttribute() && l.attributeValue() == null) {
                Direction.fromAttributeName(l.attributeName()).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * The direction in effect for media {@code index}: the media-level attribute, else the
     * session-level one, else {@code sendrecv} (RFC 4566 section 6).
     */
    public Direction direction(int index) {
        List<Direction> d = media(index).explicitDirections();
        if (!d.isEmpty()) {
            return d.get(0);
        }
        List<Direction> s = sessionDirections();
        return s.isEmpty() ? Direction.SENDRECV : s.get(0);
    }

    /** Indexes of open (port not 0) file transfer streams: MSRP m-lines with a file-selector. */
    public List<Integer> fileTransferStreams() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < media.size(); i++) {
            MediaDescription m = media.get(i);
            if (m.isFileTransfer() && !m.isClosed()) {
                out.add(i);
            }
        }
        return Collections.unmodifiableList(out);
    }

    /** Indexes of open MSRP streams, with or without a file-selector. */
    public List<Integer> msrpStreams() {
        List<Integer> out = new ArrayList<>();
        for (int i = 0; i < media.size(); i++) {
            if (media.get(i).isMsrp() && !media.get(i).isClosed()) {
                out.add(i);
            }
        }
        return Collections.unmodifiableList(out);
    }

    // ---- modification --------------------------------------------------------------------

    public SdpSession withMedia(int index, MediaDescription replacement) {
        checkIndex(index);
        List<MediaDescription> copy = new ArrayList<>(media);
        MediaDescription old = media.get(index);
        if (index == media.size() - 1) {
            replacement = keepFinalEol(old, replacement);
        }
        copy.set(index, replacement);
        return new SdpSession(sessionLines, copy);
    }

    // The last line of the body keeps the terminator (or lack of one) it had.
    private static MediaDescription keepFinalEol(MediaDescription old, MediaDescription replacement) {
        String eol = old.lines().get(old.lines().size() - 1).eol();
        List<SdpLine> lines = new ArrayList<>(replacement.lines());
        SdpLine last = lines.get(lines.size() - 1);
        if (last.eol().equals(eol)) {
            return replacement;
        }
        lines.set(lines.size() - 1, last.withEol(eol));
        return new MediaDescription(lines);
    }

    /** Rewrites {@code a=path} of media {@code index} (RFC 4975 section 8.2). */
    public SdpSession withPath(int index, List<String> uris) {
        return withMedia(index, media(index).withPath(uris));
    }

    /** Sets the port of media {@code index}; 0 closes the stream. */
    public SdpSession withPort(int index, int port) {
        return withMedia(index, media(index).withPort(port));
    }

    /**
     * Points media {@code index} at an MSRP endpoint: {@code a=path}, the m-line port and a
     * media-level {@code c=} line. RFC 4975 section 8.1 makes a=path authoritative, but the
     * c-line and port should agree with the first hop, and connection establishment per
     * RFC 6714 (CEMA) uses them.
     */
    public SdpSession withMsrpEndpoint(int index, String host, int port, List<String> path) {
        MediaDescription m = media(index).withPath(path).withPort(port).withConnection(Connection.forHost(host));
        return withMedia(index, m);
    }

    public SdpSession withoutMediaAttribute(int index, String name) {
        return withMedia(index, media(index).withoutAttribute(name));
    }

    /** Replaces the {@code o=} line (a B2BUA sends its own origin on each leg). */
    public SdpSession withOrigin(Origin origin) {
        List<SdpLine> copy = new ArrayList<>(sessionLines);
        for (int i = 0; i < copy.size(); i++) {
            if (copy.get(i).type() == 'o') {
                copy.set(i, copy.get(i).withContent("o=" + origin.format()));
                return new SdpSession(copy, media);
            }
        }
        throw new IllegalStateException("SDP has no o= line");
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= media.size()) {
            throw new IndexOutOfBoundsException("no m-line " + index + " (SDP has " + media.size() + ")");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdpSession s && s.sessionLines.equals(sessionLines) && s.media.equals(media);
    }

    @Override
    public int hashCode() {
        return sessionLines.hashCode() * 31 + media.hashCode();
    }

    @Override
    public String toString() {
        return format();
    }
}
