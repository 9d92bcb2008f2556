package org.cpmft.msrp.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import org.cpmft.msrp.message.ContinuationFlag;
import org.cpmft.msrp.message.LastMsrpContent;
import org.cpmft.msrp.message.MsrpContent;
import org.cpmft.msrp.message.MsrpHead;

/** Test helper: one frame reassembled from decoder output, or a failure. */
record DecodedFrame(MsrpHead head, byte[] body, ContinuationFlag flag, int pieces, MsrpDecodingFailure failure) {

    /** Drains {@code channel}'s inbound queue into frames, releasing the buffers. */
    static List<DecodedFrame> drain(EmbeddedChannel channel) {
        List<DecodedFrame> frames = new ArrayList<>();
        MsrpHead head = null;
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        int pieces = 0;
        Object o;
        while ((o = channel.readInbound()) != null) {
            if (o instanceof MsrpDecodingFailure f) {
                frames.add(new DecodedFrame(null, null, null, 0, f));
            } else if (o instanceof MsrpHead h) {
                if (head != null) {
                    throw new AssertionError("head inside frame");
                }
                head = h;
                body.reset();
                pieces = 0;
            } else if (o instanceof MsrpContent c) {
                if (head == null) {
                    throw new AssertionError("content outside frame");
                }
                ByteBuf b = c.content();
                byte[] bytes = new byte[b.readableBytes()];
                b.readBytes(bytes);
                body.writeBytes(bytes);
                pieces++;
                c.release();
                if (c instanceof LastMsrpContent last) {
                    frames.add(new DecodedFrame(head, body.toByteArray(), last.flag(), pieces, null));
                    head = null;
                }
            }
        }
        if (head != null) {
            throw new AssertionError("unterminated frame " + head);
        }
        return frames;
    }
}
