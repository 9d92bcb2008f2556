package org.cpmft.store.content;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.cpmft.store.StoreException;
import org.cpmft.store.db.Transactions;
import org.cpmft.store.transfer.DeferredTransfer;
import org.hibernate.LockMode;
import org.hibernate.StatelessSession;

/**
 * File content of deferred transfers, kept in the database in chunks and streamed in and out
 * without ever holding a whole file in memory.
 */
public final class ContentStore {
    /**
     * Octets of row starts a reader asks for per round trip (one row at least, however long).
     * A reader holds at most two such batches: the one being read and the one fetched ahead.
     */
    static final int READ_AHEAD = 1024 * 1024;
    private static final AtomicInteger READ_AHEAD_THREADS = new AtomicInteger();

    private final Transactions tx;
    private final int chunkSize;
    /** Background fetches of readers: daemon threads that end after a few idle seconds. */
    private final ExecutorService readAhead = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 5, TimeUnit.SECONDS,
            new SynchronousQueue<>(), r -> {
                Thread t = new Thread(r, "pf-store-read-ahead-" + READ_AHEAD_THREADS.incrementAndGet());
                t.setDaemon(true);
                return t;
            });

    public ContentStore(Transactions tx, int chunkSize) {
        this.tx = tx;
        this.chunkSize = chunkSize;
    }

    /**
     * Opens a writer appending at file offset {@code fromOffset} to a transfer in state
     * RECEIVING. Allowed offsets:
     * <ul>
     *   <li>anything within the stored range {@code [contentStart, bytesStored]}: resume after a
     *       crash or reconnect at {@code bytesStored}; a lower offset drops the stored tail
     *       (the sender resumed from an earlier point, RFC 5547 section 9);</li>
     *   <li>while nothing is stored, any offset up to {@code bytesDelivered}: the store takes
     *       over where the recipient stopped.</li>
     * </ul>
     * One writer per transfer at a time; a second one fails on its first flush.
     */
    public ContentWriter openWriter(UUID id, long fromOffset) {
        try {
            return tx.inStatelessSession(s -> {
                DeferredTransfer t = lockReceiving(s, id);
                long start = t.contentStart();
                long stored = t.bytesStored();
                if (start == stored && fromOffset != start) {
                    if (fromOffset < 0 || fromOffset > Math.max(t.bytesDelivered(), stored)) {
                        throw new StoreException("cannot start content of " + id + " at " + fromOffset
                                + ": recipient has " + t.bytesDelivered() + " octets");
                    }
                    setRange(s, id, stored, fromOffset, fromOffset);
                    return new ContentWriter(tx, id, fromOffset, chunkSize, t.totalSize());
                }
                if (fromOffset < start || fromOffset > stored) {
                    throw new StoreException("cannot write " + id + " at " + fromOffset + ": stored range is "
                            + start + ".." + stored);
                }
                if (fromOffset < stored) {
                    s.doWork(c -> truncate(c, id, fromOffset));
                    setRange(s, id, stored, start, fromOffset);
                }
                // Appends a new row at bytesStored: a partial last row stays as it is.
                return new ContentWriter(tx, id, fromOffset, chunkSize, t.totalSize());
            });
        } catch (RuntimeException e) {
            throw Transactions.wrap("cannot open content writer for " + id, e);
        }
    }

    private static DeferredTransfer lockReceiving(StatelessSession s, UUID id) {
        DeferredTransfer t = s.get(DeferredTransfer.class, id, LockMode.PESSIMISTIC_WRITE);
        if (t == null) {
            throw new StoreException("no deferred transfer " + id);
        }
        if (t.state() != org.cpmft.store.transfer.TransferState.RECEIVING) {
            throw new StoreException("transfer " + id + " is " + t.state() + ", content is written only while RECEIVING");
        }
        return t;
    }

    private void setRange(StatelessSession s, UUID id, long expectedStored, long contentStart, long bytesStored) {
        int n = s.createNativeMutationQuery("UPDATE deferred_transfer SET content_start = :start,"
                        + " bytes_stored = :stored, updated_at = :now, version = version + 1"
                        + " WHERE id = :id AND bytes_stored = :expected")
                .setParameter("start", contentStart)
                .setParameter("stored", bytesStored)
                .setParameter("now", tx.now())
                .setParameter("id", id)
                .setParameter("expected", expectedStored)
                .executeUpdate();
        if (n != 1) {
            throw new StoreException("transfer " + id + " changed concurrently");
        }
    }

    /** Drops every stored octet at or after {@code offset} (the row holding it is cut there). */
    private static void truncate(Connection c, UUID id, long offset) throws SQLException {
        long start = ChunkRows.rowStartAt(c, id, offset);
        if (start >= 0 && start < offset) {
            List<ChunkRows.Row> rows = ChunkRows.rowsFrom(c, id, start, 1);
            if (!rows.isEmpty() && rows.get(0).end() > offset) {
                byte[] kept = Arrays.copyOf(rows.get(0).data(), (int) (offset - start));
                try (PreparedStatement cut = c.prepareStatement("UPDATE transfer_content_chunk SET chunk_size = ?,"
                        + " data = ? WHERE transfer_id = ? AND chunk_offset = ?")) {
                    cut.setInt(1, kept.length);
                    cut.setBytes(2, kept);
                    cut.setObject(3, id);
                    cut.setLong(4, start);
                    cut.executeUpdate();
                }
            }
        }
        try (PreparedStatement del = c.prepareStatement(
                "DELETE FROM transfer_content_chunk WHERE transfer_id = ? AND chunk_offset >= ?")) {
            del.setObject(1, id);
            del.setLong(2, offset);
            del.executeUpdate();
        }
    }

    /**
     * Streams stored content from file offset {@code fromOffset} to the end of what is stored.
     * Each database round trip fetches the rows starting in the next {@link #READ_AHEAD} octets,
     * and while the caller consumes them the next such batch is fetched in the background. The
     * stream holds no connection between fetches.
     */
    public ContentReader openReader(UUID id, long fromOffset) {
        DeferredTransfer t = tx.inStatelessSession(s -> s.get(DeferredTransfer.class, id));
        if (t == null) {
            throw new StoreException("no deferred transfer " + id);
        }
        if (fromOffset < t.contentStart() || fromOffset > t.bytesStored()) {
            throw new StoreException("cannot read " + id + " from " + fromOffset + ": stored range is "
                    + t.contentStart() + ".." + t.bytesStored());
        }
        return new ContentReader(this, id, fromOffset, t.bytesStored());
    }

    /** Rows from {@code from} (a row start) on, at most about {@link #READ_AHEAD} octets past it. */
    List<ChunkRows.Row> rowsFrom(UUID id, long from) {
        return tx.inConnection(c -> ChunkRows.rowsFrom(c, id, from, READ_AHEAD));
    }

    /** Rows from the one holding {@code position} (anywhere in it) on; empty when none holds it. */
    List<ChunkRows.Row> rowsAround(UUID id, long position) {
        return tx.inConnection(c -> {
            long start = ChunkRows.rowStartAt(c, id, position);
            return start < 0 ? List.<ChunkRows.Row>of() : ChunkRows.rowsFrom(c, id, start, READ_AHEAD);
        });
    }

    Executor readAhead() {
        return readAhead;
    }

    /**
     * Digest of the whole stored range, e.g. {@code "SHA-1"} to compare with an RFC 5547
     * file-selector hash (only meaningful when the content starts at 0).
     */
    public byte[] digest(UUID id, String algorithm) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalArgumentException(e);
        }
        long start = tx.inStatelessSession(s -> {
            DeferredTransfer t = s.get(DeferredTransfer.class, id);
            if (t == null) {
                throw new StoreException("no deferred transfer " + id);
            }
            return t.contentStart();
        });
        try (InputStream in = openReader(id, start)) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return md.digest();
    }

    public int chunkSize() {
        return chunkSize;
    }

}
