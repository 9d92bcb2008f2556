package org.cpmft.pf.cpm.body;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A multipart body (RFC 2046 section 5.1), such as the {@code multipart/mixed} INVITE body that
 * carries the SDP offer and the RFC 5547 file-icon image.
 *
 * <p>Every byte is kept: the preamble, each delimiter line (with any transport padding), each part,
 * the line break before the next delimiter, the close delimiter and the epilogue. {@link #format()}
 * of an unmodified body is therefore identical to the input, and removing or editing one part leaves
 * the others untouched. Both CRLF and bare LF line breaks are accepted.
 */
public final class MultipartBody {

    /** Upper bound on parts, against bodies built to exhaust memory. */
    public static final int MAX_PARTS = 64;

    private final String boundary;
    private final byte[] preamble;
    private final List<Segment> segments;
    private final byte[] closing;

    /** One part with the delimiter line before it and the line break after it. */
    private record Segment(byte[] delimiterLine, MimePart part, byte[] lineBreak) {
    }

    private MultipartBody(String boundary, byte[] preamble, List<Segment> segments, byte[] closing) {
        this.boundary = boundary;
        this.preamble = preamble;
        this.segments = List.copyOf(segments);
        this.closing = closing;
    }

    /** Parses a body whose Content-Type is multipart with a {@code boundary} parameter. */
    public static MultipartBody parse(ContentType contentType, byte[] body) {
        if (!contentType.isMultipart()) {
            throw new BodyException("not a multipart Content-Type: " + contentType.format());
        }
        String boundary = contentType.param("boundary")
                .orElseThrow(() -> new BodyException("multipart Content-Type without boundary"));
        if (boundary.isEmpty() || boundary.length() > 70) {
            throw new BodyException("boundary must have 1 to 70 characters (RFC 2046 section 5.1.1)");
        }
        return parse(boundary, body);
    }

    public static MultipartBody parse(String boundary, byte[] body) {
        byte[] dash = ("--" + boundary).getBytes(StandardCharsets.US_ASCII);
        int pos = findDelimiter(body, dash, 0);
        if (pos < 0) {
            throw new BodyException("multipart body without boundary --" + boundary);
        }
        // The preamble keeps the line break that precedes the first delimiter, if any.
        byte[] preamble = slice(body, 0, pos);
        List<Segment> segments = new ArrayList<>();
        while (true) {
            int afterDash = pos + dash.length;
            if (MimePart.startsWith(body, afterDash, "--")) {
                if (segments.isEmpty()) {
                    throw new BodyException("multipart body without any part");
                }
                return new MultipartBody(boundary, preamble, segments, slice(body, pos, body.length));
            }
            int lf = indexOfByte(body, (byte) '\n', afterDash);
            if (lf < 0) {
                throw new BodyException("delimiter line without line break");
            }
            int partStart = lf + 1;
            int next = findDelimiter(body, dash, partStart);
            if (segments.size() == MAX_PARTS) {
                throw new BodyException("more than " + MAX_PARTS + " body parts");
            }
            if (next < 0) {
                // No close delimiter (RFC 2046 requires one): the rest is the last part.
                segments.add(new Segment(slice(body, pos, partStart), new MimePart(slice(body, partStart, body.length)),
                        new byte[0]));
                return new MultipartBody(boundary, preamble, segments, new byte[0]);
            }
            int breakStart = lineStartBefore(body, next);
            segments.add(new Segment(slice(body, pos, partStart), new MimePart(slice(body, partStart, breakStart)),
                    slice(body, breakStart, next)));
            pos = next;
        }
    }

    /**
     * Index of the next delimiter at or after {@code from}: {@code --boundary} at the start of a
     * line, followed by {@code --} (close delimiter) or optional white space and a line break.
     */
    private static int findDelimiter(byte[] body, byte[] dash, int from) {
        int i = from;
        while (true) {
            int at = MimePart.indexOf(body, dash, i);
            if (at < 0) {
                return -1;
            }
            boolean lineStart = at == 0 || body[at - 1] == '\n';
            if (lineStart && isDelimiterEnd(body, at + dash.length)) {
                return at;
            }
            i = at + 1;
        }
    }

    private static boolean isDelimiterEnd(byte[] body, int at) {
        if (MimePart.startsWith(body, at, "--")) {
            return true;
        }
        int i = at;
        while (i < body.length && (body[i] == ' ' || body[i] == '\t')) {
            i++;
        }
        return i < body.length && (body[i] == '\n' || body[i] == '\r' && i + 1 < body.length && body[i + 1] == '\n');
    }

    /** Start of the CRLF or LF that ends the line before {@code lineStart}. */
    private static int lineStartBefore(byte[] body, int lineStart) {
        if (lineStart >= 2 && body[lineStart - 2] == '\r' && body[lineStart - 1] == '\n') {
            return lineStart - 2;
        }
        if (lineStart >= 1 && body[lineStart - 1] == '\n') {
            return lineStart - 1;
        }
        return lineStart;
    }

    private static int indexOfByte(byte[] b, byte v, int from) {
        for (int i = from; i < b.length; i++) {
            if (b[i] == v) {
                return i;
            }
        }
        return -1;
    }

    private static byte[] slice(byte[] b, int from, int to) {
        byte[] out = new byte[to - from];
        System.arraycopy(b, from, out, 0, out.length);
        return out;
    }

    public String boundary() {
        return boundary;
    }

    public List<MimePart> parts() {
        return segments.stream().map(Segment::part).toList();
    }

    public MimePart part(int index) {
        return segments.get(index).part();
    }

    /** A copy without part {@code index}. At least one part must remain. */
    public MultipartBody withoutPart(int index) {
        if (segments.size() <= 1) {
            throw new IllegalStateException("cannot remove the only part");
        }
        List<Segment> copy = new ArrayList<>(segments);
        // Each segment carries the line break that ends it, so dropping one keeps the framing intact.
        copy.remove(index);
        return new MultipartBody(boundary, preamble, copy, closing);
    }

    /** A copy with part {@code index} replaced. */
    public MultipartBody withPart(int index, MimePart part) {
        List<Segment> copy = new ArrayList<>(segments);
        Segment old = copy.get(index);
        copy.set(index, new Segment(old.delimiterLine(), part, old.lineBreak()));
        return new MultipartBody(boundary, preamble, copy, closing);
    }

    public byte[] format() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(preamble);
        for (Segment s : segments) {
            out.writeBytes(s.delimiterLine());
            out.writeBytes(s.part().raw());
            out.writeBytes(s.lineBreak());
        }
        out.writeBytes(closing);
        return out.toByteArray();
    }
}
