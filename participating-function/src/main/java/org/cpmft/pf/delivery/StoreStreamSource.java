package org.cpmft.pf.delivery;

import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongFunction;

import io.netty.buffer.ByteBuf;
import org.cpmft.msrp.relay.StoredStreamSource;

/**
 * A deferred file as the relay plays it: a sequential reader over the store, reopened only when
 * the relay asks for an offset other than the next one (a resumed or retried chunk).
 */
final class StoreStreamSource implements StoredStreamSource, AutoCloseable {

    private final long size;
    private final String contentType;
    private final String messageId;
    private final LongFunction<InputStream> open;
    private InputStream in;
    private long position = -1;

    StoreStreamSource(long size, String contentType, String messageId, LongFunction<InputStream> open) {
        this.size = size;
        this.contentType = contentType;
        this.messageId = messageId;
        this.open = open;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public String contentType() {
        return contentType;
    }

    @Override
    public String messageId() {
        return messageId;
    }

    @Override
    public synchronized int read(long offset, ByteBuf target) throws IOException {
        if (offset >= size) {
            return -1;
        }
        if (in == null || offset != position) {
            close();
            in = open.apply(offset);
            position = offset;
        }
        int want = (int) Math.min(target.writableBytes(), size - offset);
        int n = target.writeBytes(in, want);
        if (n < 0) {
            throw new IOException("stored content ends at " + position + " of " + size);
        }
        position += n;
        return n;
    }

    @Override
    public synchronized void close() throws IOException {
        if (in != null) {
            in.close();
            in = null;
        }
    }
}
