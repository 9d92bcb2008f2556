package org.cpmft.msrp.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.SplittableRandom;

/**
 * Benchmark payload generated as a stream: byte {@code i} of a message is byte {@code i mod period} of
 * one random block, so any size can be sent without storing it. The period is deliberately not a
 * multiple of any chunk size, so a chunk delivered at the wrong place changes the SHA-256.
 */
final class PayloadPattern {
    /** Largest slice handed out at once; the block is longer by this much so slices never wrap. */
    static final int MAX_SLICE = 64 * 1024;
    private static final int PERIOD = 1024 * 1024 + 4099;

    private final ByteBuf block;

    PayloadPattern(long seed) {
        byte[] bytes = new byte[PERIOD + MAX_SLICE];
        new SplittableRandom(seed).nextBytes(bytes);
        ByteBuf direct = Unpooled.directBuffer(bytes.length).writeBytes(bytes);
        this.block = Unpooled.unreleasableBuffer(direct);
    }

    /** The {@code length} (at most {@link #MAX_SLICE}) bytes at message offset {@code offset}; releasing it is a no-op. */
    ByteBuf slice(long offset, int length) {
        if (length > MAX_SLICE) {
            throw new IllegalArgumentException("slice too long: " + length);
        }
        return block.slice((int) (offset % PERIOD), length);
    }
}
