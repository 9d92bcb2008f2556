package org.cpmft.pf.deferral;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.cpmft.store.DeferredStore;
import org.cpmft.store.content.ContentWriter;

/**
 * Where the relay's store tee writes the file of a deferred transfer (the Netty adapter calls it
 * from {@code SessionTeeSink.onContent}). Octets are placed by their file offset: a repeated
 * range (retransmitted chunk) is skipped, a gap is refused.
 *
 * <p>Durability contract (docs/deferred-store.md): call {@link #flushDurable()} before the relay
 * acknowledges octets to the sender (MSRP 200 / success REPORT, RFC 4975 section 7.3). Each
 * method commits to the database when a chunk fills, so it blocks for a round trip at times:
 * call it from a thread that may block, not a Netty event loop. Not thread-safe.
 */
public final class TransferSink implements AutoCloseable {
    private final DeferredStore store;
    private final ContentWriter writer;
    private final Consumer<UUID> onStored;
    private boolean ended;

    TransferSink(DeferredStore store, ContentWriter writer, Consumer<UUID> onStored) {
        this.store = store;
        this.writer = writer;
        this.onStored = onStored;
    }

    public UUID transferId() {
        return writer.transferId();
    }

    /** File offset of the next octet expected. */
    public long position() {
        return writer.position();
    }

    /** Octets durable in the store (from file offset 0). */
    public long durablePosition() {
        return writer.durablePosition();
    }

    /**
     * Stores the remaining octets of {@code src}, which start at file offset {@code offset}
     * (0-based, MSRP Byte-Range start minus 1). Consumes {@code src}.
     *
     * @throws ContentGapException when {@code offset} is beyond {@link #position()}
     */
    public void write(ByteBuffer src, long offset) {
        Objects.requireNonNull(src, "src");
        long pos = writer.position();
        if (offset > pos) {
            throw new ContentGapException(pos, offset);
        }
        long overlap = pos - offset;
        if (overlap >= src.remaining()) {
            src.position(src.limit()); // all of it is stored already
            return;
        }
        src.position(src.position() + (int) overlap);
        writer.write(src);
    }

    /** Commits everything written; returns the durable position. Call before acknowledging octets. */
    public long flushDurable() {
        return writer.flush();
    }

    /**
     * The whole file is in: makes it durable and ready for delivery (RECEIVING -> STORED). When
     * the file-selector gave a size, exactly that many octets must be stored.
     */
    public void complete() {
        writer.finish();
        ended = true;
        onStored.accept(writer.transferId());
    }

    /**
     * The sender abandoned the transfer (CANCEL / BYE before the end without resume): the
     * transfer fails and its content is removed. No notice goes to the sender, who ended it.
     */
    public void abort(String reason) {
        ended = true;
        try {
            writer.close();
        } finally {
            store.transfers().fail(writer.transferId(), "aborted by sender: " + reason, null);
        }
    }

    /**
     * Makes what was written durable and stops writing; the transfer stays RECEIVING, so the
     * sender may resume ({@link DeferralIntake#resume}); if it never does, the expiry sweep ends it.
     */
    @Override
    public void close() {
        if (!ended) {
            writer.close();
        }
    }
}
