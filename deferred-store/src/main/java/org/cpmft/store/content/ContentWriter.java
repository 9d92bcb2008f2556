package org.cpmft.store.content;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.transfer.TransferState;

/**
 * Appends file content of one transfer. Octets are buffered up to one chunk; each full chunk and
 * each {@link #flush()} is committed in one transaction together with the transfer's
 * {@code bytes_stored}, so {@code bytes_stored} never counts an octet that is not durable.
 *
 * <p>The relay must call {@link #flush()} before it acknowledges received octets to the sender
 * (MSRP 200 / success REPORT): only flushed octets survive a crash. After a crash, open a new
 * writer at the transfer's {@code bytesStored}. Not thread-safe; holds no connection between
 * calls.
 */
public final class ContentWriter implements AutoCloseable {
    private final Transactions tx;
    private final UUID id;
    private final Long totalSize;
    private byte[] buffer;
    private final int chunkSize;
    /** File offset of buffer[0]. */
    private long chunkStart;
    /** Octets in the buffer. */
    private int buffered;
    /** Octets of the buffer already in the chunk row (0: no row yet). */
    private int persisted;
    /** bytes_stored as this writer last committed it. */
    private long durable;
    private boolean closed;
    private boolean broken;

    ContentWriter(Transactions tx, UUID id, long position, ContentChunk tail, int chunkSize, Long totalSize) {
        this.tx = tx;
        this.id = id;
        this.chunkSize = chunkSize;
        this.totalSize = totalSize;
        this.durable = position;
        if (tail != null) {
            this.buffer = Arrays.copyOf(tail.data(), Math.max(chunkSize, tail.size()));
            this.chunkStart = tail.offset();
            this.buffered = tail.size();
            this.persisted = tail.size();
        } else {
            this.buffer = new byte[chunkSize];
            this.chunkStart = position;
        }
    }

    public UUID transferId() {
        return id;
    }

    /** File offset of the next octet to write. */
    public long position() {
        return chunkStart + buffered;
    }

    /** Octets durable so far (the transfer's bytes_stored). */
    public long durablePosition() {
        return durable;
    }

    public void write(byte[] bytes) {
        write(bytes, 0, bytes.length);
    }

    public void write(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        write(ByteBuffer.wrap(bytes, offset, length));
    }

    /** Consumes all remaining octets of {@code src}. */
    public void write(ByteBuffer src) {
        checkOpen();
        if (totalSize != null && position() + src.remaining() > totalSize) {
            throw new StoreException("write past the file size " + totalSize + " of " + id + " at " + position());
        }
        while (src.hasRemaining()) {
            int n = Math.min(src.remaining(), buffer.length - buffered);
            src.get(buffer, buffered, n);
            buffered += n;
            if (buffered == buffer.length) {
                commitChunk();
                chunkStart += buffered;
                buffered = 0;
                persisted = 0;
                if (buffer.length != chunkSize) {
                    buffer = new byte[chunkSize];
                }
            }
        }
    }

    /** Makes everything written so far durable; returns the durable position. */
    public long flush() {
        checkOpen();
        if (buffered > persisted) {
            commitChunk();
        }
        return durable;
    }

    /**
     * Flushes and marks the content complete: the transfer moves RECEIVING -> STORED. When the
     * file size is known, the stored content must reach it exactly.
     */
    public void finish() {
        flush();
        TransferState.RECEIVING.moveTo(TransferState.STORED);
        try {
            int n = tx.inStatelessSession(s -> s.createNativeMutationQuery(
                            "UPDATE deferred_transfer SET state = :stored, total_size = bytes_stored,"
                                    + " updated_at = :now, version = version + 1"
                                    + " WHERE id = :id AND state = :receiving AND bytes_stored = :durable"
                                    + " AND (total_size IS NULL OR total_size = bytes_stored)")
                    .setParameter("stored", TransferState.STORED.name())
                    .setParameter("receiving", TransferState.RECEIVING.name())
                    .setParameter("now", tx.now())
                    .setParameter("id", id)
                    .setParameter("durable", durable)
                    .executeUpdate());
            if (n != 1) {
                throw new StoreException("cannot finish content of " + id + " at " + durable
                        + ": incomplete (file size " + totalSize + "), or the transfer changed concurrently");
            }
        } catch (RuntimeException e) {
            broken = true;
            throw Transactions.wrap("finish of " + id + " failed", e);
        }
        closed = true;
    }

    private void commitChunk() {
        long newDurable = chunkStart + buffered;
        byte[] data = Arrays.copyOf(buffer, buffered);
        try {
            tx.inStatelessSession(s -> {
                ContentChunk row = new ContentChunk(id, chunkStart, data);
                if (persisted == 0) {
                    s.insert(row);
                } else {
                    s.update(row);
                }
                int n = s.createNativeMutationQuery("UPDATE deferred_transfer SET bytes_stored = :n,"
                                + " updated_at = :now, version = version + 1"
                                + " WHERE id = :id AND bytes_stored = :expected AND state = :receiving")
                        .setParameter("n", newDurable)
                        .setParameter("now", tx.now())
                        .setParameter("id", id)
                        .setParameter("expected", durable)
                        .setParameter("receiving", TransferState.RECEIVING.name())
                        .executeUpdate();
                if (n != 1) {
                    throw new StoreException("transfer " + id + " is no longer RECEIVING at " + durable
                            + " (another writer, or it ended)");
                }
                return null;
            });
        } catch (RuntimeException e) {
            broken = true;
            throw Transactions.wrap("cannot store content of " + id + " at " + chunkStart, e);
        }
        persisted = buffered;
        durable = newDurable;
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("content writer of " + id + " is closed");
        }
        if (broken) {
            throw new IllegalStateException("content writer of " + id + " failed; open a new one at bytesStored");
        }
    }

    /** Flushes what was written (unless a write failed) and closes; the transfer stays RECEIVING. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            if (!broken) {
                flush();
            }
        } finally {
            closed = true;
            buffer = null;
        }
    }
}
