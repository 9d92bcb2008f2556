package org.cpmft.msrp.message;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.DefaultByteBufHolder;

/** A piece of a frame body as it arrived; the holder owns one reference to {@link #content()}. */
public class MsrpContent extends DefaultByteBufHolder implements MsrpObject {
    public MsrpContent(ByteBuf content) {
        super(content);
    }

    @Override
    public MsrpContent replace(ByteBuf content) {
        return new MsrpContent(content);
    }

    @Override
    public MsrpContent retain() {
        super.retain();
        return this;
    }

    @Override
    public String toString() {
        return "MsrpContent(" + content().readableBytes() + "B)";
    }
}
