package org.cpmft.store.content;

import java.nio.ByteBuffer;
import java.sql.PreparedStatement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.UUID;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.transfer.TransferState;

/**
 * Appends file content of one transfer. Octets are buffered up to one chunk; each full chunk and
 * each {@link #flush()} appends the buffered octets as a row of their own, committed in one
 * transaction together with the transfer's {@code bytes_stored}, so {@code bytes_stored} never
 * counts an octet that is not durable, and nothing already stored is ever written again (rows
 * are as long as a chunk, or shorter where a flush cut them).
 *
 * <p>The relay must call {@link #flush()} before it acknowledges received octets to the sender
 * (MSRP 200 / success REPORT): only flushed octets survive a crash. After a crash, open a new
 * writer at the transfer's {@code bytesStored}. Not thread-safe; holds no connection between
 * calls.
 *
 * <p>A call that fails on the database (connection lost, database restarted) leaves the writer
 * broken; {@link #recover()} then learns what of the failed commit happened and makes it usable
 * again with the octets it buffered, like a new writer opened at {@code bytesStored} that is
 * given those octets again.
 */
public final class ContentWriter implements AutoCloseable {
    private static final String FINISH = "UPDATE deferred_transfer SET state = '" + TransferState.STORED.name()
            + "', total_size = bytes_stored, abandoned_at = NULL, updated_at = ?, version = version + 1"
            + " WHERE id = ? AND state = '" + TransferState.RECEIVING.name() + "' AND bytes_stored = ?"
            + " AND (total_size IS NULL OR total_size = bytes_stored)";
    private final Transactions tx;
    private final UUID id;
    private final Long totalSize;
    private byte[] buffer;
    /** File offset of buffer[0]: everything before it is durable (the transfer's bytes_stored). */
    private long durable;
    /** Octets in the buffer. */
    private int buffered;
    private boolean closed;
    private boolean broken;
    /** The transfer is STORED by this writer: {@link #finish()} is done. */
    private boolean finished;

    ContentWriter(Transactions tx, UUID id, long position, int chunkSize, Long totalSize) {
        this.tx = tx;
        this.id = id;
        this.totalSize = totalSize;
        this.durable = position;
        this.buffer = new byte[chunkSize];
    }

    public UUID transferId() {
        return id;
    }

    /** File offset of the next octet to write. */
    public long position() {
        return durable + buffered;
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
                commitRow();
            }
        }
    }

    /** Makes everything written so far durable; returns the durable position. */
    public long flush() {
        checkOpen();
        if (buffered > 0) {
            commitRow();
        }
        return durable;
    }

    /**
     * Flushes and marks the content complete: the transfer moves RECEIVING -> STORED. When the
     * file size is known, the stored content must reach it exactly.
     */
    public void finish() {
        if (finished) {
            return; // done before a failure hid it (recover found the transfer STORED)
        }
        flush();
        TransferState.RECEIVING.moveTo(TransferState.STORED);
        try {
            int n = tx.inConnection(c -> {
                try (PreparedStatement st = c.prepareStatement(FINISH)) {
                    st.setObject(1, OffsetDateTime.ofInstant(tx.now(), ZoneOffset.UTC));
                    st.setObject(2, id);
                    st.setLong(3, durable);
                    return st.executeUpdate();
                }
            });
            if (n != 1) {
                throw new StoreException("cannot finish content of " + id + " at " + durable
                        + ": incomplete (file size " + totalSize + "), or the transfer changed concurrently");
            }
        } catch (RuntimeException e) {
            broken = true;
            throw Transactions.wrap("finish of " + id + " failed", e);
        }
        finished = true;
        closed = true;
    }

    /** Whether the last call failed: {@link #recover()} before the next one. */
    public boolean broken() {
        return broken;
    }

    /**
     * After a failed call: reads what the database committed and goes on from there. The octets
     * buffered when the call failed are kept: if the failed commit did not happen they are
     * written again by the next call; if it happened (only its answer was lost) they count as
     * durable. Call again when it throws (the database is still away).
     *
     * @throws StoreException when the database cannot be read, or the transfer moved on without
     *         this writer (another writer, it ended): then the writer stays broken for good
     */
    public void recover() {
        if (!broken || closed) {
            return;
        }
        ChunkRows.Stored now = tx.inConnection(c -> ChunkRows.stored(c, id));
        if (now == null) {
            throw new StoreException("transfer " + id + " is gone");
        }
        if (now.state() == TransferState.RECEIVING && now.bytesStored() == durable) {
            broken = false; // the failed commit did not happen
        } else if (now.state() == TransferState.RECEIVING && buffered > 0 && now.bytesStored() == durable + buffered) {
            durable += buffered; // it did: the row of the whole buffer is stored
            buffered = 0;
            broken = false;
        } else if (now.state() == TransferState.STORED && buffered == 0 && now.bytesStored() == durable) {
            broken = false; // the finish committed
            finished = true;
            closed = true;
        } else {
            throw new StoreException("transfer " + id + " is " + now.state() + " with " + now.bytesStored()
                    + " octets stored, this writer has " + durable + " (+" + buffered + " buffered)");
        }
    }

    /** Appends the buffered octets as one row; the buffer is then empty and reused. */
    private void commitRow() {
        boolean appended;
        try {
            appended = tx.inConnection(c -> ChunkRows.append(c, id, durable, buffer, buffered, tx.now()));
        } catch (RuntimeException e) {
            broken = true;
            throw Transactions.wrap("cannot store content of " + id + " at " + durable, e);
        }
        if (!appended) {
            broken = true;
            throw new StoreException("transfer " + id + " is no longer RECEIVING at " + durable
                    + " (another writer, or it ended)");
        }
        durable += buffered;
        buffered = 0;
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
            buffer = null;
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
