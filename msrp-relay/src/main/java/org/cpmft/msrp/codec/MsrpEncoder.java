package org.cpmft.msrp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.EncoderException;
import io.netty.handler.codec.MessageToMessageEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHead;
import org.cpmft.msrp.message.MsrpObject;
import org.cpmft.msrp.message.MsrpRequestHead;
import org.cpmft.msrp.message.MsrpResponseHead;

/**
 * Encodes the objects {@link MsrpFrameDecoder} produces back into wire form: a head, its content pieces
 * (passed through without copying) and the end-line written for the {@link LastMsrpContent}. One frame
 * at a time per channel, so the instance is not sharable.
 */
public final class MsrpEncoder extends MessageToMessageEncoder<MsrpObject> {
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
                String endLine = (currentHasBody ? "\r\n" : "") + "-------" + currentTid + last.flag().symbol()
                        + "\r\n";
                out.add(ByteBufUtil.writeAscii(ctx.alloc(), endLine));
                currentTid = null;
            }
        } else {
            throw new EncoderException("cannot encode " + msg.getClass().getSimpleName());
        }
    }

    private static ByteBuf encodeHead(ChannelHandlerContext ctx, MsrpHead head) {
        StringBuilder sb = new StringBuilder(256).append("MSRP ").append(head.transactionId()).append(' ');
        if (head instanceof MsrpRequestHead request) {
            sb.append(request.method());
        } else {
            MsrpResponseHead response = (MsrpResponseHead) head;
            sb.append(response.statusCode());
            if (response.comment() != null && !response.comment().isEmpty()) {
                sb.append(' ').append(response.comment());
            }
        }
        sb.append("\r\n");
        for (Map.Entry<String, String> h : head.headers()) {
            sb.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
        }
        if (head.hasBody()) {
            sb.append("\r\n");
        }
        return ByteBufUtil.encodeString(ctx.alloc(), java.nio.CharBuffer.wrap(sb), StandardCharsets.UTF_8);
    }

    /** Whether a frame has been started and not yet ended; a relay uses this to abort it on failure. */
    public boolean insideFrame() {
        return currentTid != null;
    }
}
