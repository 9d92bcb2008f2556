package org.cpmft.msrp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHead;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;
import org.cpmft.msrp.message.TransactionIds;

/**
 * Streaming MSRP frame decoder (RFC 4975 sections 7 and 9). For each frame it emits one
 * {@link MsrpHead}, then the body as retained {@link MsrpContent} slices as bytes arrive, and finally a
 * {@link LastMsrpContent} carrying the end-line's continuation flag. A body is never accumulated.
 *
 * <p>Malformed frames produce an {@link MsrpDecodingFailure}. When the transaction id is known the
 * decoder skips to that frame's end-line and continues with the next frame; when it is not, framing is
 * lost, every further byte is discarded and the failure says so (the handler closes the connection).
 */
public final class MsrpFrameDecoder extends ByteToMessageDecoder {
    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] END_LINE_DASHES = "-------".getBytes(StandardCharsets.US_ASCII);

    private enum State { START_LINE, HEADERS, BODY, SKIP_FRAME, FRAMING_LOST }

    private final MsrpDecoderLimits limits;
    private State state = State.START_LINE;

    // Current frame.
    private String tid;
    private String method;        // request method, or null for a response
    private int statusCode;
    private String comment;
    private MsrpHeaders headers;
    private int headerSectionBytes;
    private boolean malformedStartLine;
    private String pendingFailure; // header-level problem found; reported once the header section ends
    /** "\r\n-------" + tid: an end-line is this followed by a flag and CRLF. */
    private byte[] delimiter;
    /** True at the first body byte, where the end-line may follow the blank line without its own CRLF. */
    private boolean atBodyStart;

    public MsrpFrameDecoder() {
        this(MsrpDecoderLimits.DEFAULT);
    }

    public MsrpFrameDecoder(MsrpDecoderLimits limits) {
        this.limits = limits;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            boolean progressed = switch (state) {
                case START_LINE -> readStartLine(in, out);
                case HEADERS -> readHeaderLine(in, out);
                case BODY -> scanBody(in, out, true);
                case SKIP_FRAME -> scanBody(in, out, false);
                case FRAMING_LOST -> {
                    in.skipBytes(in.readableBytes());
                    yield false;
                }
            };
            if (!progressed) {
                return;
            }
        }
    }

    private boolean readStartLine(ByteBuf in, List<Object> out) {
        int eol = findLineEnd(in, limits.maxHeaderSectionBytes());
        if (eol == -2) {
            return loseFraming(in, out, null, "bare LF in start line");
        }
        if (eol < 0) {
            if (in.readableBytes() > limits.maxHeaderSectionBytes()) {
                return loseFraming(in, out, null, "start line too long");
            }
            return false;
        }
        int lineLength = eol - in.readerIndex();
        String line = in.toString(in.readerIndex(), lineLength, StandardCharsets.UTF_8);
        in.skipBytes(lineLength + 2);
        if (line.isEmpty()) {
            return true; // tolerate stray CRLF between frames
        }
        resetFrame();
        headerSectionBytes = lineLength + 2;
        if (!line.startsWith("MSRP ")) {
            return loseFraming(in, out, null, "start line does not begin with 'MSRP '");
        }
        int tidEnd = line.indexOf(' ', 5);
        String candidateTid = tidEnd < 0 ? line.substring(5) : line.substring(5, tidEnd);
        if (!TransactionIds.isValid(candidateTid)) {
            return loseFraming(in, out, null, "bad transaction id");
        }
        tid = candidateTid;
        delimiter = delimiterFor(tid);
        state = State.HEADERS;
        if (tidEnd < 0) {
            malformedStartLine = true;
            pendingFailure = "start line without method or status";
            return true;
        }
        String rest = line.substring(tidEnd + 1);
        if (rest.length() >= 3 && Character.isDigit(rest.charAt(0))) {
            int sp = rest.indexOf(' ');
            String code = sp < 0 ? rest : rest.substring(0, sp);
            if (code.length() == 3 && code.chars().allMatch(Character::isDigit)) {
                statusCode = Integer.parseInt(code);
                comment = sp < 0 ? null : rest.substring(sp + 1);
                return true;
            }
        } else if (!rest.isEmpty() && rest.chars().allMatch(c -> c >= 'A' && c <= 'Z')) {
            method = rest;
            return true;
        }
        malformedStartLine = true;
        pendingFailure = "bad method or status code in start line";
        return true;
    }

    private boolean readHeaderLine(ByteBuf in, List<Object> out) {
        int budget = limits.maxHeaderSectionBytes() - headerSectionBytes;
        int eol = findLineEnd(in, Math.max(budget, 0));
        if (eol == -2) {
            return failFrame(out, "bare LF in header section");
        }
        if (eol < 0) {
            if (in.readableBytes() >= budget) {
                return failFrame(out, "header section larger than " + limits.maxHeaderSectionBytes() + " bytes");
            }
            return false;
        }
        int lineLength = eol - in.readerIndex();
        if (lineLength == 0) {
            in.skipBytes(2);
            return endHeaders(out, true, null);
        }
        if (startsWith(in, in.readerIndex(), END_LINE_DASHES)) {
            ContinuationFlag flag = endLineFlag(in, in.readerIndex(), lineLength);
            if (flag == null) {
                in.skipBytes(lineLength + 2);
                return loseFraming(in, out, tid, "end-line does not match transaction " + tid);
            }
            in.skipBytes(lineLength + 2);
            return endHeaders(out, false, flag);
        }
        if (headers.size() >= limits.maxHeaderCount()) {
            return failFrame(out, "more than " + limits.maxHeaderCount() + " headers");
        }
        String line = in.toString(in.readerIndex(), lineLength, StandardCharsets.UTF_8);
        in.skipBytes(lineLength + 2);
        headerSectionBytes += lineLength + 2;
        int colon = line.indexOf(':');
        if (colon <= 0 || !isToken(line, colon)) {
            // Keep reading: later headers (From-Path) are needed to address the 400 response.
            if (pendingFailure == null) {
                pendingFailure = "malformed header line";
            }
            return true;
        }
        headers.add(line.substring(0, colon), line.substring(colon + 1).trim());
        return true;
    }

    /** The header section ended with a blank line (body follows) or directly with the end-line. */
    private boolean endHeaders(List<Object> out, boolean hasBody, ContinuationFlag flag) {
        MsrpHead head = null;
        String failure = pendingFailure;
        if (failure == null) {
            try {
                head = method != null
                        ? new MsrpRequestHead(tid, method, headers, hasBody)
                        : new MsrpResponseHead(tid, statusCode, comment, headers);
                head.validate();
            } catch (IllegalArgumentException e) {
                failure = e.getMessage();
            }
        }
        if (failure != null) {
            out.add(new MsrpDecodingFailure(tid, isRequestLike(), false, failure, headers));
            if (hasBody) {
                state = State.SKIP_FRAME;
                atBodyStart = true;
            } else {
                state = State.START_LINE;
            }
            return true;
        }
        out.add(head);
        if (hasBody) {
            state = State.BODY;
            atBodyStart = true;
        } else {
            out.add(LastMsrpContent.empty(flag));
            state = State.START_LINE;
        }
        return true;
    }

    /**
     * Streams body bytes up to the end-line. Bytes that could still be the start of the end-line stay
     * in the buffer until the next read decides; everything else is passed on (or dropped when skipping).
     */
    private boolean scanBody(ByteBuf in, List<Object> out, boolean emit) {
        int start = in.readerIndex();
        int end = in.writerIndex();
        if (atBodyStart) {
            // Lenient: "Content-Type: x CRLF CRLF -------tid$" (empty data without its own CRLF).
            int m = matchEndLine(in, start, 2);
            if (m == NEED_MORE) {
                return false;
            }
            atBodyStart = false;
            if (m >= 0) {
                return finishFrame(in, out, emit, start, delimiter.length - 2, m);
            }
        }
        int pos = start;
        while (pos < end) {
            int cr = in.indexOf(pos, end, CR);
            if (cr < 0) {
                break;
            }
            int m = matchEndLine(in, cr, 0);
            if (m >= 0) {
                return finishFrame(in, out, emit, cr, delimiter.length, m);
            }
            if (m == NEED_MORE) {
                passBody(in, out, emit, cr - start);
                return false;
            }
            pos = cr + 1;
        }
        passBody(in, out, emit, end - start);
        return false;
    }

    private static final int NO_MATCH = -1;
    private static final int NEED_MORE = -2;

    /**
     * Matches {@code delimiter[from..] flag CRLF} at {@code index}.
     *
     * @return the flag's ordinal on a match, {@link #NO_MATCH}, or {@link #NEED_MORE} when the readable
     *         bytes are a proper prefix of an end-line
     */
    private int matchEndLine(ByteBuf in, int index, int from) {
        int avail = in.writerIndex() - index;
        int patternLength = delimiter.length - from;
        int n = Math.min(avail, patternLength);
        for (int i = 0; i < n; i++) {
            if (in.getByte(index + i) != delimiter[from + i]) {
                return NO_MATCH;
            }
        }
        if (avail < patternLength + 1) {
            return NEED_MORE;
        }
        ContinuationFlag flag = ContinuationFlag.of(in.getByte(index + patternLength));
        if (flag == null) {
            return NO_MATCH;
        }
        if (avail < patternLength + 2) {
            return NEED_MORE;
        }
        if (in.getByte(index + patternLength + 1) != CR) {
            return NO_MATCH;
        }
        if (avail < patternLength + 3) {
            return NEED_MORE;
        }
        return in.getByte(index + patternLength + 2) == LF ? flag.ordinal() : NO_MATCH;
    }

    private boolean finishFrame(ByteBuf in, List<Object> out, boolean emit, int delimiterIndex, int delimiterLength,
                                int flagOrdinal) {
        int bodyLength = delimiterIndex - in.readerIndex();
        ContinuationFlag flag = ContinuationFlag.values()[flagOrdinal];
        if (emit) {
            out.add(new LastMsrpContent(in.readRetainedSlice(bodyLength), flag));
        } else {
            in.skipBytes(bodyLength);
        }
        in.skipBytes(delimiterLength + 3);
        state = State.START_LINE;
        return true;
    }

    private static void passBody(ByteBuf in, List<Object> out, boolean emit, int length) {
        if (length <= 0) {
            return;
        }
        if (emit) {
            out.add(new MsrpContent(in.readRetainedSlice(length)));
        } else {
            in.skipBytes(length);
        }
    }

    /** Reports a frame-level problem once the header section ends, or now if it cannot end in bounds. */
    private boolean failFrame(List<Object> out, String reason) {
        out.add(new MsrpDecodingFailure(tid, isRequestLike(), false, reason, headers));
        // The rest of this header section and any body are discarded up to this frame's end-line. The
        // buffer is positioned at a line start, where an end-line needs no leading CRLF.
        state = State.SKIP_FRAME;
        atBodyStart = true;
        return true;
    }

    private boolean loseFraming(ByteBuf in, List<Object> out, String knownTid, String reason) {
        out.add(new MsrpDecodingFailure(knownTid, knownTid != null && isRequestLike(), true, reason,
                headers == null ? new MsrpHeaders() : headers));
        state = State.FRAMING_LOST;
        in.skipBytes(in.readableBytes());
        return false;
    }

    private boolean isRequestLike() {
        return method != null || malformedStartLine;
    }

    private void resetFrame() {
        tid = null;
        method = null;
        statusCode = 0;
        comment = null;
        headers = new MsrpHeaders();
        headerSectionBytes = 0;
        malformedStartLine = false;
        pendingFailure = null;
        delimiter = null;
        atBodyStart = false;
    }

    /** @return index of the CR of the first CRLF within {@code limit} bytes, -1 if none yet, -2 on a bare LF */
    private static int findLineEnd(ByteBuf in, int limit) {
        int from = in.readerIndex();
        int to = Math.min(in.writerIndex(), from + limit + 2);
        int lf = in.indexOf(from, to, LF);
        if (lf < 0) {
            return -1;
        }
        if (lf == from || in.getByte(lf - 1) != CR) {
            return -2;
        }
        return lf - 1;
    }

    private ContinuationFlag endLineFlag(ByteBuf in, int index, int lineLength) {
        int expected = delimiter.length - 2 + 1;
        if (lineLength != expected) {
            return null;
        }
        for (int i = 2; i < delimiter.length; i++) {
            if (in.getByte(index + i - 2) != delimiter[i]) {
                return null;
            }
        }
        return ContinuationFlag.of(in.getByte(index + lineLength - 1));
    }

    private static boolean startsWith(ByteBuf in, int index, byte[] prefix) {
        if (in.writerIndex() - index < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (in.getByte(index + i) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String line, int end) {
        for (int i = 0; i < end; i++) {
            char c = line.charAt(i);
            if (c <= ' ' || c >= 127) {
                return false;
            }
        }
        return true;
    }

    static byte[] delimiterFor(String tid) {
        return ("\r\n-------" + tid).getBytes(StandardCharsets.US_ASCII);
    }
}
