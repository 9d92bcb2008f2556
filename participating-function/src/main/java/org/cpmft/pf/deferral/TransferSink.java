package org.cpmft.pf.deferral;

import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.UUID;
import java.util.function.BiConsumer;
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
 *
 * <p>Store faults: a call that fails on the database leaves the sink broken; {@link #recover()}
 * (repeated while the database is away) makes it usable again where it stood, so the same call
 * can be made again with the same octets (docs/deferred-store.md, "Store outages").
 */
public final class TransferSink implements AutoCloseable {
    private final DeferredStore store;
    private final ContentWriter writer;
    private final Consumer<UUID> onStored;
    private final BiConsumer<UUID, String> onDeclined;
    private boolean ended;

    TransferSink(DeferredStore store, ContentWriter writer, Consumer<UUID> onStored) {
        this(store, writer, onStored, (id, reason) -> store.transfers().fail(id, reason, null));
    }

    /** @param onDeclined ends the transfer as declined by the recipient (FAILED, the sender told) */
    TransferSink(DeferredStore store, ContentWriter writer, Consumer<UUID> onStored,
                 BiConsumer<UUID, String> onDeclined) {
        this.store = store;
        this.writer = writer;
        this.onStored = onStored;
        this.onDeclined = onDeclined;
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
        if (!ended) {
            ended = true;
            onStored.accept(writer.transferId());
        }
    }

    /** Whether the last call failed on the database: {@link #recover()} before going on. */
    public boolean broken() {
        return writer.broken();
    }

    /**
     * After a failed call: learns from the database what of it happened and makes the sink usable
     * again at the same {@link #position()}, the octets taken but not yet durable kept.
     *
     * @throws org.cpmft.store.StoreException while the database is still away (call again later), or
     *         when the transfer moved on without this sink (then it stays broken)
     */
    public void recover() {
        writer.recover();
    }

    /**
     * The recipient declined the file while it was being stored (its BYE after its MSRP connection
     * dropped, CPM 7.4.3): the transfer fails, its content goes, it is never delivered, and the
     * sender gets the failure notice it asked for.
     */
    public void decline(String reason) {
        ended = true;
        try {
            writer.close();
        } catch (RuntimeException e) {
            // the octets not yet durable are not wanted any more
        } finally {
            onDeclined.accept(writer.transferId(), reason);
        }
    }

    /**
     * The sender left before the end of the file (BYE or CANCEL): what is durable stays RECEIVING
     * for the resume window, so the sender may resume it; the sweep then removes it
     * ({@code TransferRepository.removeAbandoned}).
     *
     * @return whether the transfer was still RECEIVING
     */
    public boolean abandon() {
        close();
        return !ended && store.transfers().abandon(writer.transferId());
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
