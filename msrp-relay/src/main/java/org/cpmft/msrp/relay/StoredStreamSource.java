package org.cpmft.msrp.relay;

import io.netty.buffer.ByteBuf;
import java.io.IOException;

/**
 * A stored message the relay can play into a session (deferred delivery), implemented outside this
 * module on top of the store.
 */
public interface StoredStreamSource {
    /** Total message size in bytes. */
    long size();

    String contentType();

    String messageId();

    /**
     * Copies bytes starting at the 0-based {@code offset} into {@code target}, at most its writable bytes.
     *
     * @return number of bytes copied, -1 when {@code offset} is at or past the end
     */
    int read(long offset, ByteBuf target) throws IOException;
}
