package org.cpmft.msrp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHead;
import org.cpmft.msrp.message.MsrpHeaders;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;

/**
 * Encodes the objects {@link MsrpFrameDecoder} produces back into wire form: a head, its content pieces
 * (passed through without copying) and the end-line written for the {@link LastMsrpContent}. One frame
 * at a time per channel, so the instance is not sharable.
 */
public final class MsrpEncoder extends MessageToMessageEncoder<MsrpObject> {
    private static final int CRLF = ('\r' << 8) | '\n';
    private static final int COLON_SP = (':' << 8) | ' ';
    private static final byte[] MSRP_SP = "MSRP ".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DASHES = "-------".getBytes(StandardCharsets.US_ASCII);
    private static final int END_LINE_OVERHEAD = 2 + 7 + 1 + 2;
    private String currentTid;
    private boolean currentHasBody;

    @Override
    protected void encode(ChannelHandlerContext ctx, MsrpObject msg, List<Object> out) {
        if (msg instanceof MsrpHead head) {
            if (currentTid != null) {
                throw new EncoderException("head of " + head.transactionId() + " inside frame " + currentTid);
            }
            out.add(encodeHead(ctx, head));
            currentTid = head.transactionId();
            currentHasBody = head.hasBody();
        } else if (msg instanceof MsrpContent content) {
            if (currentTid == null) {
                throw new EncoderException("content outside a frame");
            }
            if (content.content().isReadable()) {
                if (!currentHasBody) {
                    throw new EncoderException("content for frame " + currentTid + " declared without body");
                }
                out.add(content.content().retain());
            }
            if (content instanceof LastMsrpContent last) {
                // RFC 4975 section 7.1: [CRLF] "-------" transact-id continuation-flag CRLF
                ByteBuf endLine = ctx.alloc().buffer(END_LINE_OVERHEAD + currentTid.length());
                if (currentHasBody) {
                    endLine.writeShort(CRLF);
                }
                endLine.writeBytes(DASHES);
                ByteBufUtil.writeAscii(endLine, currentTid);
                endLine.writeByte(last.flag().symbol());
                endLine.writeShort(CRLF);
                out.add(endLine);
                currentTid = null;
            }
        } else {
            throw new EncoderException("cannot encode " + msg.getClass().getSimpleName());
        }
    }

    /** Writes the start line and headers straight into a pooled buffer (no intermediate String). */
    private static ByteBuf encodeHead(ChannelHandlerContext ctx, MsrpHead head) {
        MsrpHeaders headers = head.headers();
        int n = headers.size();
        int estimate = 32 + head.transactionId().length();
        for (int i = 0; i < n; i++) {
            estimate += headers.name(i).length() + headers.value(i).length() + 4;
        }
        ByteBuf buf = ctx.alloc().buffer(estimate + 16);
        buf.writeBytes(MSRP_SP);
        ByteBufUtil.writeAscii(buf, head.transactionId());
        buf.writeByte(' ');
        if (head instanceof MsrpRequestHead request) {
            ByteBufUtil.writeAscii(buf, request.method());
        } else {
            MsrpResponseHead response = (MsrpResponseHead) head;
            int code = response.statusCode(); // three digits, checked by MsrpResponseHead
            buf.writeByte('0' + code / 100).writeByte('0' + code / 10 % 10).writeByte('0' + code % 10);
            if (response.comment() != null && !response.comment().isEmpty()) {
                buf.writeByte(' ');
                ByteBufUtil.writeUtf8(buf, response.comment());
            }
        }
        buf.writeShort(CRLF);
        for (int i = 0; i < n; i++) {
            ByteBufUtil.writeUtf8(buf, headers.name(i));
            buf.writeShort(COLON_SP);
            ByteBufUtil.writeUtf8(buf, headers.value(i));
            buf.writeShort(CRLF);
        }
        if (head.hasBody()) {
            buf.writeShort(CRLF);
        }
        return buf;
    }

    /** Whether a frame has been started and not yet ended; a relay uses this to abort it on failure. */
    public boolean insideFrame() {
        return currentTid != null;
    }
}
