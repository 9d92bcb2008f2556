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

    /**
     * Most SEND chunks the player keeps unanswered at once. A source that records progress may ask
     * for 1, so that a connection lost mid-transfer leaves at most one chunk the endpoint may have
     * but did not confirm (sent again by the next attempt).
     */
    default int maxUnansweredChunks() {
        return Integer.MAX_VALUE;
    }

    /**
     * The endpoint answered 200 to every chunk up to the 0-based {@code endOffset} (exclusive).
     * Called on the I/O thread, in increasing order; keep it short.
     */
    default void acknowledged(long endOffset) {
    }
}
