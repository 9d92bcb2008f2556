package org.cpmft.msrp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;

/** The final body piece of a frame (possibly empty) and the end-line's continuation flag. */
public final class LastMsrpContent extends MsrpContent {
    private final ContinuationFlag flag;

    public LastMsrpContent(ByteBuf content, ContinuationFlag flag) {
        super(content);
        this.flag = flag;
    }

    public static LastMsrpContent empty(ContinuationFlag flag) {
        return new LastMsrpContent(Unpooled.EMPTY_BUFFER, flag);
    }

    public ContinuationFlag flag() {
        return flag;
    }

    @Override
    public LastMsrpContent replace(ByteBuf content) {
        return new LastMsrpContent(content, flag);
    }

    @Override
    public LastMsrpContent retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "LastMsrpContent(" + content().readableBytes() + "B, " + flag.symbol() + ")";
    }
}
